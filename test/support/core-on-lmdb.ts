import { expect } from 'vitest';
import { executionProtocol } from '../../actors/execution/protocol.ts';
import { riskProtocol } from '../../actors/risk/protocol.ts';
import type { Order } from '../../src/domain/order.ts';
import { type ActorStart, ActorSystem, type SupervisorEvent } from '../../src/index.ts';
import { LmdbSnapshotStore } from '../../src/persistence/lmdb-snapshot-store.ts';
import type { FoxtrotStore } from '../../src/persistence/store.ts';
import { btcOrder, btcSpec } from '../fixtures/instruments.ts';
import { recorderModule } from '../fixtures/recorder.ts';
import { coreActor, waitFor } from './system.ts';

const actor = (name: string, exportName: string, input: unknown): ActorStart =>
  coreActor(name, exportName, input);

/** The real portfolio, funded: what a fault test puts in the core unless it brings its own. */
export const fundedPortfolio: ActorStart = actor('portfolio', 'portfolioActor', {
  instruments: [btcSpec],
  balances: { USDT: '1000000' },
});

/**
 * Risk, execution and a portfolio in worker threads on an LMDB store, as the node runs them, with a recorder for a
 * venue (it answers nothing: the test plays the venue through execution's `venueEvent`). Heartbeats are fast, so
 * that a hung worker is found in a test's time.
 */
export function startCoreOnLmdb(
  store: FoxtrotStore,
  events: SupervisorEvent[],
  portfolio: ActorStart = fundedPortfolio,
): Promise<ActorSystem> {
  return ActorSystem.start(
    {
      id: 'core',
      flags: { strategy: 'one_for_one', intensity: 10, periodMs: 10_000 },
      children: [
        { id: 'venue-SIM', start: { actor: { module: recorderModule, export: 'recorderActor' } } },
        {
          id: 'execution',
          start: actor('execution', 'executionActor', {
            instruments: [btcSpec],
            portfolioId: 'portfolio',
            notifyStrategies: false,
            inFlightCheckMs: 0,
          }),
        },
        { id: 'portfolio', start: portfolio },
        {
          id: 'risk',
          start: actor('risk', 'riskActor', { instruments: [btcSpec], limits: { maxOpenOrders: 100 } }),
        },
      ],
    },
    {
      heartbeatMs: 100,
      heartbeatTimeoutMs: 1500,
      onEvent: (event) => events.push(event),
      snapshots: new LmdbSnapshotStore(store),
    },
  );
}

/** Orders o1..oN through risk (each approved), once execution holds them all. */
export async function submitThroughRisk(system: ActorSystem, count: number): Promise<void> {
  const risk = system.ref('risk', riskProtocol);
  const execution = system.ref('execution', executionProtocol);
  risk.tell('balance', { currency: 'USDT', free: '1000000' });
  for (let i = 1; i <= count; i++) {
    await expect(risk.ask('submit', { order: btcOrder(`o${i}`) })).resolves.toMatchObject({ approved: true });
  }
  // Risk answered; its orders may still be on their way to execution, and a venue report must not overtake one.
  await waitFor(
    async () => ((await execution.ask('openOrders', {})) as Order[]).length === count || undefined,
    10_000,
    'execution to hold every order',
  );
}
