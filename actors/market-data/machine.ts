import { assign, setup } from 'xstate';
import { parseInstrumentId } from '../../src/domain/identifiers.ts';
import type { ProtocolEvent } from '../../src/index.ts';
import type { marketDataProtocol } from './protocol.ts';
import { type Route, routesOf, type Subscriptions, subscriptionOf } from './subscriptions.ts';

/** Actors told the price of every tick, in their own message types (see worker.ts). */
export interface PriceSinks {
  execution?: string;
  portfolio?: string;
  risk?: string;
}

export interface MarketDataInput {
  /** Venue name (the part after an instrument id's last dot) to its adapter. Default `{ SIM: 'adapter-SIM' }`. */
  adapters?: Record<string, string>;
  priceSinks?: PriceSinks;
  /** Most messages unacknowledged per subscriber before it gets only the latest values. Default 512. */
  maxInFlightPerSubscriber?: number;
  /**
   * Whether a bar is closed at its end by a timer, so that a quiet market still gets its bars on time; without it,
   * a bar closes with the first tick after it. Default true.
   */
  closeBarsOnTime?: boolean;
}

export interface MarketDataContext {
  adapters: Record<string, string>;
  priceSinks: PriceSinks;
  maxInFlight: number;
  closeBarsOnTime: boolean;
  /**
   * In `due`: when the earliest bar in the making ends, as the feed last said, and the time it said it (both ms).
   */
  barsDueAt: number;
  barsDueSaidAt: number;
  /** In `due`: the period of the timer after `barsDueAt` while bars keep closing, or 0 for a single shot. */
  barsEveryMs: number;
  subscriptions: Subscriptions;
  /** Derived from `subscriptions` at every change, read by the tick handlers. */
  routes: Record<string, Route>;
  /** Instruments the adapters were asked for: each only once, even if every subscriber leaves and comes back. */
  requested: Record<string, true>;
  /** Adapter subscriptions the last message made: the `emit` effect sends them. */
  outbox: Array<{ adapter: string; instrumentId: string }>;
}

export type MarketDataEvent =
  | ProtocolEvent<typeof marketDataProtocol>
  /** From the `closeBars` handler: the period closed no bar, so the timer stops until a bar is in the making. */
  | { type: 'barsQuiet' };

/** A venue without an adapter in the input is served by `adapter-<VENUE>`, the default naming. */
const adapterOf = (context: MarketDataContext, instrumentId: string) => {
  const venue = parseInstrumentId(instrumentId).venue;
  return context.adapters[venue] ?? `adapter-${venue}`;
};

/**
 * Market data's modes and subscriptions. Ticks never reach the machine: the fast handlers in worker.ts read
 * `routes` from the current state. The machine records who wants what, asks adapters for new instruments, and
 * runs the timer that closes bars in quiet markets (by telling its own actor `closeBars`, so that the close runs
 * at the time that message carries). The timer is set for the end of the earliest bar in the making, which the
 * feed reports with `barsDue`; it then runs on by the bars' common period for as long as each period closes a
 * bar, and stops at the first that closes none (`barsQuiet`). A busy market so costs one transition per bar (no
 * `barsDue` and no re-arming each time), and a backtest's simulated clock runs through a quiet stretch in one step
 * instead of one timer per period.
 */
export const marketDataMachine = setup({
  types: {
    context: {} as MarketDataContext,
    events: {} as MarketDataEvent,
    input: {} as MarketDataInput | undefined,
  },
  delays: {
    untilBarsDue: ({ context }) => Math.max(0, context.barsDueAt - context.barsDueSaidAt),
  },
  guards: {
    timerOff: ({ context }) => !context.closeBarsOnTime,
    periodic: ({ context }) => context.barsEveryMs > 0,
    changesTimer: ({ context, event }) =>
      event.type === 'barsDue' &&
      (event.payload.at < context.barsDueAt || (event.payload.everyMs ?? 0) !== context.barsEveryMs),
  },
  actions: {
    emit: () => undefined,
    answerStats: () => undefined,
    requestCloseBars: () => undefined,
    scheduleBars: assign(({ event }) =>
      event.type === 'barsDue'
        ? {
            barsDueAt: event.payload.at,
            barsDueSaidAt: event.meta.timestamp,
            barsEveryMs: event.payload.everyMs ?? 0,
          }
        : {},
    ),
    nextBars: assign(({ context }) => ({
      barsDueAt: context.barsDueAt + context.barsEveryMs,
      barsDueSaidAt: context.barsDueAt,
    })),
    subscribe: assign(({ context, event }) => {
      if (event.type !== 'subscribe') return {};
      const { subscriber, instrumentId } = event.payload;
      const subscriptions = {
        ...context.subscriptions,
        [subscriber]: { ...context.subscriptions[subscriber], [instrumentId]: subscriptionOf(event.payload) },
      };
      const first = context.requested[instrumentId] === undefined;
      return {
        subscriptions,
        routes: routesOf(subscriptions),
        requested: first ? { ...context.requested, [instrumentId]: true as const } : context.requested,
        outbox: first ? [{ adapter: adapterOf(context, instrumentId), instrumentId }] : [],
      };
    }),
    unsubscribe: assign(({ context, event }) => {
      if (event.type !== 'unsubscribe') return {};
      const { subscriber, instrumentId } = event.payload;
      const { [subscriber]: current, ...others } = context.subscriptions;
      if (current === undefined) return { outbox: [] };
      const subscriptions: Subscriptions = others;
      if (instrumentId !== undefined) {
        const { [instrumentId]: _gone, ...kept } = current;
        if (Object.keys(kept).length > 0) subscriptions[subscriber] = kept;
      }
      return { subscriptions, routes: routesOf(subscriptions), outbox: [] };
    }),
  },
}).createMachine({
  id: 'market-data',
  context: ({ input }) => ({
    adapters: input?.adapters ?? { SIM: 'adapter-SIM' },
    priceSinks: input?.priceSinks ?? {},
    maxInFlight: Math.max(1, input?.maxInFlightPerSubscriber ?? 512),
    closeBarsOnTime: input?.closeBarsOnTime ?? true,
    barsDueAt: 0,
    barsDueSaidAt: 0,
    barsEveryMs: 0,
    subscriptions: {},
    routes: {},
    requested: {},
    outbox: [],
  }),
  initial: 'idle',
  states: {
    idle: {
      always: { guard: 'timerOff', target: 'untimed' },
      on: { barsDue: { target: 'due', actions: 'scheduleBars' } },
    },
    // A delayed transition, so that the timer is saved with the state and re-armed on restore.
    due: {
      on: {
        barsDue: { guard: 'changesTimer', target: 'due', reenter: true, actions: 'scheduleBars' },
        barsQuiet: 'idle',
      },
      after: {
        untilBarsDue: [
          { guard: 'periodic', target: 'due', reenter: true, actions: ['requestCloseBars', 'nextBars'] },
          { target: 'idle', actions: 'requestCloseBars' },
        ],
      },
    },
    untimed: {},
  },
  on: {
    subscribe: { actions: ['subscribe', 'emit'] },
    unsubscribe: { actions: 'unsubscribe' },
    stats: { actions: 'answerStats' },
  },
});
