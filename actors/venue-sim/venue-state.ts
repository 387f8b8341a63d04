import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { Decimal } from '../../src/domain/decimal.ts';
import { type InstrumentSpec, instrumentOf } from '../../src/domain/instrument.ts';
import { type EngineState, emptyEngineState, MatchingEngine } from './matching-engine.ts';
import {
  type SyntheticMarketSettings,
  type SyntheticMarketState,
  syntheticMarket,
} from './synthetic-market.ts';

export interface VenueFaults {
  rejectRate: number;
  dropAckRate: number;
  disconnectRate: number;
}

export interface ReplaySettings {
  file: string;
  /** Default: by the file's extension (`.jsonl` is JSONL, anything else CSV). */
  format?: 'csv' | 'jsonl';
  /** 1 replays at the file's pace, 10 ten times faster; 0 as fast as the venue takes it. Default 0. */
  speed?: number;
}

export interface VenueSimInput {
  venue?: string;
  instruments: InstrumentSpec[];
  /** Per instrument: the synthetic market's settings; every one left out starts at 10,000 ticks. */
  markets?: Record<string, Partial<SyntheticMarketSettings>>;
  /** intervalMs 0 stops the venue's own clock: only `step` messages move the market. */
  market?: { intervalMs?: number; tradeProbability?: number };
  latency?: { ackMs?: number; fillMs?: number };
  fees?: { makerFee?: string; takerFee?: string };
  faults?: Partial<VenueFaults>;
  /** Seeds the faults, the synthetic trades and, unless `markets` gives their own, each instrument's walk. */
  seed?: number;
  replay?: ReplaySettings;
  /**
   * Closed orders each instrument keeps for queries. Default 1,000: the whole context is copied at every snapshot,
   * and at 10,000 that copy takes tens of milliseconds.
   */
  closedRetention?: number;
}

/** Something the last message made the venue do: a message to an actor, or a warning for the log. */
export type Emission =
  | { to: string; type: string; payload: unknown; traceparent?: string }
  | { warn: string; detail: unknown };

/** A report held back by the simulated latency until its due time (venue clock, epoch ms). */
export interface PendingDelivery {
  due: number;
  to: string;
  payload: unknown;
  traceparent?: string;
}

/**
 * The whole venue as plain data, so that the runtime's snapshot of the machine (a structured clone) is the venue:
 * after a crash the restored context rebuilds every engine (see `engineOf`) and the market walks on from where it
 * stood. Books are mutated in place by their engines, so order flow does not copy them.
 */
export interface VenueContext {
  venue: string;
  instruments: Record<string, InstrumentSpec>;
  books: Record<string, EngineState>;
  /** The random walks, by instrument; empty when the market is replayed from a file. */
  markets: Record<string, SyntheticMarketState>;
  marketSettings: Record<string, Partial<SyntheticMarketSettings>>;
  fees: { makerFee: string; takerFee: string };
  closedRetention: number;
  intervalMs: number;
  tradeProbability: number;
  latency: { ackMs: number; fillMs: number };
  faults: VenueFaults;
  seed: number;
  /** State of the generator behind faults and synthetic trades. */
  rng: number[];
  /** Connected clients (actor ids) to their session ids. */
  sessions: Record<string, string>;
  sessionsOpened: number;
  subscribers: Record<string, string[]>;
  /** The client of each open order: where fills from market moves go. */
  owners: Record<string, string>;
  /**
   * The trace context of each open order's submission: the reports a later market move brings (fills, expiries)
   * join the order's trace. Absent in a venue saved before it was kept.
   */
  traces?: Record<string, string>;
  pending: PendingDelivery[];
  /** The venue clock: the time of the last event that carried one. */
  now: number;
  steps: number;
  fills: number;
  syntheticTrades: number;
  replay: ReplaySettings | undefined;
  /** Instruments whose market data had a quote: their book follows quotes, not trades (see market-flow's feed). */
  quoted?: Record<string, true>;
  /** The last line of the replay file taken in: a restarted venue reads on after it. */
  replayLine: number;
  replayedLines: number;
  skippedLines: number;
  outbox: Emission[];
}

const DEFAULT_START_TICKS = 10_000n;

export function defaultStartPrice(spec: InstrumentSpec): string {
  const tick = Decimal.parse(spec.tickSize);
  return Decimal.fromUnits(tick.units * DEFAULT_START_TICKS, tick.scale).toString();
}

export function marketFor(
  context: Pick<VenueContext, 'marketSettings' | 'seed'>,
  spec: InstrumentSpec,
  index: number,
): SyntheticMarketState {
  const settings = {
    startPrice: defaultStartPrice(spec),
    seed: context.seed + 1 + index,
    ...context.marketSettings[spec.id],
  };
  return syntheticMarket(settings, instrumentOf(spec));
}

export function initialContext(input: VenueSimInput): VenueContext {
  const seed = input.seed ?? 1;
  const context: VenueContext = {
    venue: input.venue ?? 'SIM',
    instruments: {},
    books: {},
    markets: {},
    marketSettings: input.markets ?? {},
    fees: { makerFee: input.fees?.makerFee ?? '0', takerFee: input.fees?.takerFee ?? '0' },
    closedRetention: input.closedRetention ?? 1_000,
    intervalMs: input.market?.intervalMs ?? 100,
    tradeProbability: input.market?.tradeProbability ?? 0.2,
    latency: { ackMs: input.latency?.ackMs ?? 0, fillMs: input.latency?.fillMs ?? 0 },
    faults: { rejectRate: 0, dropAckRate: 0, disconnectRate: 0, ...input.faults },
    seed,
    rng: seedState(seed),
    sessions: {},
    sessionsOpened: 0,
    subscribers: {},
    owners: {},
    traces: {},
    pending: [],
    now: 0,
    steps: 0,
    fills: 0,
    syntheticTrades: 0,
    replay: input.replay,
    replayLine: 0,
    replayedLines: 0,
    skippedLines: 0,
    outbox: [],
  };
  for (const spec of input.instruments) addInstrument(context, spec);
  return context;
}

/** Lists an instrument (or replaces its spec), with an empty book and, unless replaying, its own random walk. */
export function addInstrument(context: VenueContext, spec: InstrumentSpec): void {
  const known = context.instruments[spec.id] !== undefined;
  context.instruments[spec.id] = spec;
  if (known) return;
  context.books[spec.id] = emptyEngineState();
  if (context.replay === undefined) {
    context.markets[spec.id] = marketFor(context, spec, Object.keys(context.markets).length);
  }
}

const engines = new WeakMap<EngineState, MatchingEngine>();

/**
 * The engine working on an instrument's book. Engines are cached by their state object: while the actor runs, the
 * engine and the context share that object; a context restored from a snapshot has new objects, so its engines
 * are rebuilt from them, once.
 */
export function engineOf(context: VenueContext, instrumentId: string): MatchingEngine | undefined {
  const state = context.books[instrumentId];
  if (state === undefined) return undefined;
  let engine = engines.get(state);
  if (engine === undefined) {
    const spec = context.instruments[instrumentId] as InstrumentSpec;
    engine = new MatchingEngine(
      instrumentOf(spec),
      { venue: context.venue, ...context.fees, closedRetention: context.closedRetention },
      state,
    );
    engines.set(state, engine);
  }
  return engine;
}

/** The engine holding a client order, whatever its instrument (a venue lists a handful of instruments). */
export function engineHolding(context: VenueContext, clientOrderId: string): MatchingEngine | undefined {
  for (const instrumentId in context.books) {
    const engine = engineOf(context, instrumentId);
    if (engine?.order(clientOrderId) !== undefined) return engine;
  }
  return undefined;
}

function seedState(seed: number): number[] {
  return [...xoroshiro128plus(seed).getState()];
}

export function instrumentList(context: VenueContext): InstrumentSpec[] {
  return Object.values(context.instruments);
}
