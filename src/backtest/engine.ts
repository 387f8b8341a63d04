import { performance } from 'node:perf_hooks';
import { midOf } from '../../actors/market-data/mid.ts';
import { portfolioProtocol } from '../../actors/portfolio/protocol.ts';
import { riskProtocol } from '../../actors/risk/protocol.ts';
import { createStrategy, loadStrategyFactory } from '../../actors/strategy-host/load-strategy.ts';
import { strategyHostProtocol } from '../../actors/strategy-host/protocol.ts';
import { venueSimProtocol } from '../../actors/venue-sim/protocol.ts';
import type { MarketDataTick } from '../../actors/venue-sim/replay-file.ts';
import { Decimal } from '../domain/decimal.ts';
import type { InstrumentSpec } from '../domain/instrument.ts';
import {
  type ActorStart,
  ActorSystem,
  type ChildSpec,
  describeExit,
  SimulatedClock,
  type SupervisorSpec,
  siblingModule,
  ValidationError,
} from '../index.ts';
import { DEFAULT_CONFIG, type NodeConfig } from '../node/config.ts';
import { NODE_IDS, nodeTree } from '../node/tree.ts';
import { rootLogger } from '../telemetry/logger.ts';
import { EquitySampler } from './equity-sampler.ts';
import { BacktestLedger } from './ledger.ts';
import { MarketDataMerge, type SourcedTick } from './market-data-files.ts';
import { registerRecorderSink } from './recorder-actor.ts';
import type { BacktestProgress, BacktestResult, BacktestSpec } from './spec.ts';
import { closedTrades, computeStatistics } from './statistics.ts';

const STRATEGY_ID = 'backtest';
const RECORDER_ID = 'backtest-recorder';
/** Simulated time the actors get before the first tick: to connect the venue, reconcile, and start the strategy. */
const WARM_UP_MS = 1000;
/** Simulated time after the last tick for what is in flight (acknowledgements, fills on their latency) to land. */
const COOL_DOWN_MS = 1000;
/** Real time the strategy's module may take to load and start. */
const READY_TIMEOUT_MS = 30_000;
const PROGRESS_EVERY_MS = 250;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

let nextRun = 0;

export interface RunOptions {
  onProgress?: (progress: BacktestProgress) => void;
}

/** A builtin strategy's defaults are those the node's default config runs it with; `params` override them. */
export function strategyParams(
  spec: Pick<BacktestSpec, 'strategy' | 'params' | 'config'>,
): Record<string, unknown> {
  const base = spec.config ?? DEFAULT_CONFIG;
  const defaults = base.strategies.find((strategy) => strategy.strategy === spec.strategy)?.params;
  return { ...defaults, ...spec.params };
}

/** The node's config for a backtest: the spec's (or the default) node, trading the one strategy, with its seed. */
function backtestConfig(spec: BacktestSpec, params: Record<string, unknown>): NodeConfig {
  const base = spec.config ?? DEFAULT_CONFIG;
  return {
    ...base,
    venue: { ...base.venue, seed: spec.seed ?? base.venue.seed },
    strategies: [{ id: STRATEGY_ID, strategy: spec.strategy, params }],
  };
}

/**
 * The node's own supervision tree with every actor placed inline and nothing persisted: the same actors, inputs
 * and wiring as live. The venue makes no market of its own and replays no file of its own (the data is fed to it),
 * and execution also reports order events to the recorder.
 */
function inlineTree(config: NodeConfig, sinkId: string): SupervisorSpec<ActorStart> {
  const venueId = NODE_IDS.venue(config.venue.name);
  const inputOf = (id: string, input: Record<string, unknown>): Record<string, unknown> => {
    if (id === venueId) {
      const { replay: _replay, ...rest } = input;
      return { ...rest, market: { intervalMs: 0 } };
    }
    if (id === NODE_IDS.execution) {
      return {
        ...input,
        orderEventSinks: [...((input.orderEventSinks as string[] | undefined) ?? []), RECORDER_ID],
      };
    }
    return input;
  };
  const place = (id: string, start: ActorStart): ActorStart => ({
    actor: start.actor,
    input: inputOf(id, start.input as Record<string, unknown>),
    placement: 'inline',
    persist: false,
  });
  const children = (list: ChildSpec<ActorStart>[]): ChildSpec<ActorStart>[] =>
    list.map((child) =>
      child.type === 'supervisor'
        ? {
            ...child,
            supervisor: {
              ...child.supervisor,
              children: children(child.supervisor.children as ChildSpec<ActorStart>[]),
            },
          }
        : { ...child, start: place(child.id, child.start) },
    );
  const tree = nodeTree(config, 'backtest');
  const recorder: ChildSpec<ActorStart> = {
    id: RECORDER_ID,
    start: {
      actor: { module: siblingModule('./recorder-actor', import.meta.url), export: 'recorderActor' },
      input: { sinkId },
      placement: 'inline',
      persist: false,
    },
  };
  return { ...tree, children: [recorder, ...children(tree.children)] };
}

/** A tick's price: a quote's mid (as market data marks the portfolio with it), a trade's price. */
function priceOf(item: MarketDataTick): Decimal {
  if (item.kind === 'trade') return Decimal.parse(item.tick.price);
  return midOf(Decimal.parse(item.tick.bid), Decimal.parse(item.tick.ask));
}

/** Return periods the statistics use: short enough to give a few dozen returns over the span replayed. */
function periodFor(spanMs: number): number {
  if (spanMs >= 30 * DAY_MS) return DAY_MS;
  if (spanMs >= 2 * DAY_MS) return HOUR_MS;
  return MINUTE_MS;
}

/** Lets every message the last step caused be handled: inline actors deliver in microtasks. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Replays market data through the node's actors placed inline on a simulated clock (see docs/backtesting.md):
 * each tick goes to the simulated venue when the clock reaches its time, after every timer due before it has
 * fired, and everything the tick causes is handled before the next one. Bad input (an unknown strategy, bad
 * params, a malformed line) throws a ValidationError before anything runs, or naming the file and line.
 */
export async function runBacktest(spec: BacktestSpec, options: RunOptions = {}): Promise<BacktestResult> {
  const parameters = strategyParams(spec);
  // Made once here so that a bad strategy or bad params fail before any data is read.
  createStrategy(spec.strategy, await loadStrategyFactory(spec.strategy), parameters);
  const config = backtestConfig(spec, parameters);
  const instruments: InstrumentSpec[] = config.venue.instruments;
  const merge = new MarketDataMerge(spec.data, {
    instruments,
    ...(spec.from === undefined ? {} : { from: spec.from }),
    ...(spec.to === undefined ? {} : { to: spec.to }),
    ...(spec.skipBadLines ? { skipBadLines: true } : {}),
  });
  const ticks = merge.ticks();
  const first = await ticks.next();
  if (first.done) {
    throw new ValidationError(
      `no market data to replay in ${spec.data.join(', ')}${spec.from !== undefined || spec.to !== undefined ? ' between --from and --to' : ''}`,
    );
  }
  const startTime = first.value.item.tick.ts;
  const quoteCurrency = (instruments[0] as InstrumentSpec).quoteCurrency;
  const ledger = new BacktestLedger(
    new Map(instruments.map((instrument) => [instrument.id, instrument])),
    Decimal.parse(config.account.balances[quoteCurrency] ?? '0'),
  );
  const sampler = new EquitySampler();
  const clock = new SimulatedClock(startTime - WARM_UP_MS);
  nextRun += 1;
  const sinkId = `backtest-${process.pid}-${nextRun}`;
  const unregister = registerRecorderSink(sinkId, (recorded) => ledger.onOrderEvent(recorded));
  let failure: string | undefined;
  const system = await ActorSystem.start(inlineTree(config, sinkId), {
    clock,
    // Errors only, unless asked: stderr carries the progress bar, and a replay's routine warnings would bury it.
    log: rootLogger().child({ system: 'backtest' }, { level: process.env.FOXTROT_LOG_LEVEL ?? 'error' }),
    onEvent: (event) => {
      if (event.type === 'child-failed' && failure === undefined) {
        failure = `actor '${event.child}' failed: ${describeExit(event.reason)}`;
      }
    },
  });
  const check = () => {
    if (failure !== undefined) throw new Error(`the backtest stopped: ${failure}`);
  };
  /** Fires each timer due by `time` in turn, handling what each one causes before the next. */
  const runTimersUntil = async (time: number) => {
    for (let due = clock.nextDue(); due !== undefined && due <= time; due = clock.nextDue()) {
      clock.advanceTo(due);
      await settle();
    }
    clock.advanceTo(time);
  };
  try {
    await untilReady(system, clock, startTime, check);
    const venue = system.ref(NODE_IDS.venue(config.venue.name), venueSimProtocol);
    const began = performance.now();
    let reported = began;
    let events = 0;
    let endTime = startTime;
    for (let next: IteratorResult<SourcedTick> = first; !next.done; next = await ticks.next()) {
      const { item } = next.value;
      endTime = item.tick.ts;
      await runTimersUntil(endTime);
      venue.tell('marketData', { ticks: [item] });
      await settle();
      check();
      ledger.mark(item.tick.instrumentId, priceOf(item));
      sampler.observe(endTime, ledger);
      events += 1;
      if (options.onProgress !== undefined && (events & 1023) === 0) {
        const now = performance.now();
        if (now - reported >= PROGRESS_EVERY_MS) {
          reported = now;
          options.onProgress({ events, startTime, simulatedTime: endTime, elapsedMs: now - began });
        }
      }
    }
    await runTimersUntil(endTime + COOL_DOWN_MS);
    check();
    options.onProgress?.({
      events,
      startTime,
      simulatedTime: endTime,
      elapsedMs: performance.now() - began,
    });
    sampler.finish(endTime, ledger);
    await agreeWithPortfolio(system, ledger);
    const equity = sampler.equity();
    const periodMs = periodFor(endTime - startTime);
    return {
      strategy: spec.strategy,
      parameters,
      seed: config.venue.seed,
      events,
      skipped: Object.fromEntries(merge.skipped),
      startTime,
      endTime,
      orders: ledger.orderRecords(),
      fills: ledger.fills,
      positions: ledger.positionRecords(),
      equity,
      prices: sampler.prices(),
      trades: closedTrades(ledger.fills),
      periodMs,
      statistics: computeStatistics({ equity, fills: ledger.fills, periodMs }),
    };
  } finally {
    unregister();
    await ticks.return(undefined);
    await system.stop();
  }
}

/**
 * Waits until the strategy is running (its module loads in real time, while the clock stands still) and then,
 * moving the clock through the warm-up, until risk lets orders through (the venue connected and reconciled).
 */
async function untilReady(
  system: ActorSystem,
  clock: SimulatedClock,
  startTime: number,
  check: () => void,
): Promise<void> {
  const strategy = system.ref(NODE_IDS.strategy(STRATEGY_ID), strategyHostProtocol);
  const risk = system.ref(NODE_IDS.risk, riskProtocol);
  const deadline = performance.now() + READY_TIMEOUT_MS;
  for (;;) {
    await settle();
    check();
    const { state } = await strategy.ask('status', {});
    if (state === 'running') break;
    if (performance.now() > deadline) throw new Error(`the strategy did not start: it is ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  for (;;) {
    await settle();
    check();
    const status = await risk.ask('status', {});
    if (status.tradingState === 'ACTIVE' && Object.keys(status.reconciling).length === 0) return;
    const due = clock.nextDue();
    if (due === undefined || due >= startTime) {
      throw new Error(
        `the node's actors were not ready before the first tick: trading is ${status.tradingState}` +
          ` (${Object.entries(status.reconciling)
            .map(([venue, why]) => `${venue}: ${why}`)
            .join('; ')})`,
      );
    }
    clock.advanceTo(due);
  }
}

/** The portfolio actor and the backtest's ledger saw the same fills: their net positions must agree. */
async function agreeWithPortfolio(system: ActorSystem, ledger: BacktestLedger): Promise<void> {
  const snapshot = await system.ref(NODE_IDS.portfolio, portfolioProtocol).ask('snapshot', {});
  const net = new Map<string, Decimal>();
  for (const position of snapshot.positions) {
    net.set(
      position.instrumentId,
      (net.get(position.instrumentId) ?? Decimal.zero()).add(Decimal.parse(position.quantity)),
    );
  }
  for (const [instrumentId, quantity] of ledger.netPositions()) {
    const held = net.get(instrumentId) ?? Decimal.zero();
    if (!held.eq(quantity)) {
      throw new Error(
        `the portfolio holds ${held} ${instrumentId} but the fills reported make ${quantity}: a fill was lost`,
      );
    }
  }
}
