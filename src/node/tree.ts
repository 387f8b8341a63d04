import type { ActorChildSpec, ActorStart, ChildSpec, SupervisorSpec } from '../index.ts';
import { siblingModule } from '../index.ts';
import type { NodeConfig } from './config.ts';

/** Actor ids in a node: fixed names, so that actors address each other without a lookup. */
export const NODE_IDS = {
  risk: 'risk',
  execution: 'execution',
  portfolio: 'portfolio',
  marketData: 'market-data',
  venue: (name: string) => `venue-${name}`,
  adapter: (name: string) => `adapter-${name}`,
  strategy: (id: string) => `strategy-${id}`,
} as const;

const restartBackoff = { minMs: 50, maxMs: 2000, jitter: 0.2, resetAfterMs: 30_000 };

function actorStart(config: NodeConfig, folder: string, exportName: string, input: unknown): ActorStart {
  return {
    actor: { module: siblingModule(`../../actors/${folder}/worker`, import.meta.url), export: exportName },
    input,
    resourceLimits: { maxOldGenerationSizeMb: config.node.workerHeapMb },
    persist: true,
    // Used by the actors whose definitions are replayable (the core's): the others save every change.
    snapshotEvery: {
      messages: config.persistence.snapshotEveryMessages,
      ms: config.persistence.snapshotEveryMs,
      keepMessages: config.persistence.keepMessages,
    },
  };
}

/**
 * The supervision tree of design.md. The core starts first (risk, execution, portfolio), then the venue side
 * (simulated venue, market data, adapter: market data must be up before the adapter feeds it), then strategies,
 * which are the only ones that originate orders. Shutdown goes in reverse: strategies stop before anything they
 * talk to.
 */
/**
 * `storeCheck`: trading waits at this start for the store's whole check, which the caller runs and reports to risk
 * (`storeChecked`).
 */
export function nodeTree(
  config: NodeConfig,
  bootId = 'boot-1',
  storeCheck = false,
): SupervisorSpec<ActorStart> {
  const venue = config.venue.name;
  const instruments = config.venue.instruments;
  const strategyIds = config.strategies.map((strategy) => NODE_IDS.strategy(strategy.id));
  const core: ActorChildSpec[] = [
    {
      id: NODE_IDS.risk,
      start: actorStart(config, 'risk', 'riskActor', {
        instruments,
        limits: config.risk.limits,
        executionId: NODE_IDS.execution,
        // No order passes until the venue's adapter has reconciled execution's recovered orders with it.
        venues: [venue],
        ...(storeCheck ? { storeCheck } : {}),
        bootId,
      }),
    },
    {
      id: NODE_IDS.execution,
      start: actorStart(config, 'execution', 'executionActor', {
        instruments,
        venues: { [venue]: NODE_IDS.adapter(venue) },
        riskId: NODE_IDS.risk,
        // The portfolio books fills and locks what each open order may spend, from its order events.
        portfolioId: NODE_IDS.portfolio,
        notifyStrategies: true,
        // Execution's whole state is saved at every commit: the closed orders it keeps for late fills are most of
        // that cost, so it keeps the last few hundred (the journal keeps them all).
        closedRetention: 500,
      }),
    },
    {
      id: NODE_IDS.portfolio,
      start: actorStart(config, 'portfolio', 'portfolioActor', {
        instruments,
        riskId: NODE_IDS.risk,
        positionSinks: strategyIds,
        balances: config.account.balances,
      }),
    },
  ];
  const venueSide: ActorChildSpec[] = [
    {
      id: NODE_IDS.venue(venue),
      start: actorStart(config, 'venue-sim', 'venueSimActor', {
        venue,
        instruments,
        markets: config.venue.markets,
        market: { intervalMs: config.venue.intervalMs },
        latency: config.venue.latency,
        fees: config.venue.fees,
        faults: config.venue.faults,
        seed: config.venue.seed,
        // As for execution: its whole state is saved at every commit, and closed orders dominate it.
        closedRetention: 200,
        ...(config.venue.replay === undefined ? {} : { replay: config.venue.replay }),
      }),
    },
    {
      id: NODE_IDS.marketData,
      start: actorStart(config, 'market-data', 'marketDataActor', {
        adapters: { [venue]: NODE_IDS.adapter(venue) },
        priceSinks: {
          execution: NODE_IDS.execution,
          portfolio: NODE_IDS.portfolio,
          risk: NODE_IDS.risk,
        },
      }),
    },
    {
      id: NODE_IDS.adapter(venue),
      // A venue session cannot be restored from a snapshot: a restarted adapter starts fresh, connects again,
      // subscribes to every instrument and reconciles.
      start: {
        ...actorStart(config, 'adapters', 'adapterActor', {
          venue,
          venueActorId: NODE_IDS.venue(venue),
          executionId: NODE_IDS.execution,
          marketDataId: NODE_IDS.marketData,
          riskId: NODE_IDS.risk,
          seed: config.venue.seed,
          subscriptions: instruments.map((spec) => spec.id),
          maxAttempts: 1000,
        }),
        persist: false,
      },
    },
  ];
  const strategies: ActorChildSpec[] = config.strategies.map((strategy) => ({
    id: NODE_IDS.strategy(strategy.id),
    start: actorStart(config, 'strategy-host', 'strategyHostActor', {
      strategy: strategy.strategy,
      params: strategy.params ?? {},
      instruments,
      riskId: NODE_IDS.risk,
      marketDataId: NODE_IDS.marketData,
    }),
  }));
  // Generous intensity: a node is meant to ride out bursts of faults (chaos runs crash an actor every few
  // seconds); a supervisor gives up only on a crash loop, and the root then stops the node.
  const flags = {
    strategy: 'one_for_one' as const,
    intensity: 20,
    periodMs: 60_000,
    backoff: restartBackoff,
  };
  return {
    id: 'foxtrot',
    flags: { strategy: 'one_for_one', intensity: 3, periodMs: 60_000 },
    children: [
      { id: 'core', type: 'supervisor', supervisor: { id: 'core', flags, children: core } },
      { id: 'venues', type: 'supervisor', supervisor: { id: 'venues', flags, children: venueSide } },
      { id: 'strategies', type: 'supervisor', supervisor: { id: 'strategies', flags, children: strategies } },
    ],
  };
}

/** Every actor id in the tree, in start order. */
export function actorIds(config: NodeConfig): string[] {
  const ids = (children: ChildSpec<unknown>[]): string[] =>
    children.flatMap((child) => (child.type === 'supervisor' ? ids(child.supervisor.children) : [child.id]));
  return ids(nodeTree(config).children);
}
