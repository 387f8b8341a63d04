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
  /** How often bars whose interval has ended are closed without a tick; 0 turns the timer off. Default 100. */
  barCloseCheckMs?: number;
}

export interface MarketDataContext {
  adapters: Record<string, string>;
  priceSinks: PriceSinks;
  maxInFlight: number;
  barCloseCheckMs: number;
  subscriptions: Subscriptions;
  /** Derived from `subscriptions` at every change, read by the tick handlers. */
  routes: Record<string, Route>;
  /** Instruments the adapters were asked for: each only once, even if every subscriber leaves and comes back. */
  requested: Record<string, true>;
  /** Adapter subscriptions the last message made: the `emit` effect sends them. */
  outbox: Array<{ adapter: string; instrumentId: string }>;
}

export type MarketDataEvent = ProtocolEvent<typeof marketDataProtocol>;

/** A venue without an adapter in the input is served by `adapter-<VENUE>`, the default naming. */
const adapterOf = (context: MarketDataContext, instrumentId: string) => {
  const venue = parseInstrumentId(instrumentId).venue;
  return context.adapters[venue] ?? `adapter-${venue}`;
};

/**
 * Market data's modes and subscriptions. Ticks never reach the machine: the fast handlers in worker.ts read
 * `routes` from the current state. The machine records who wants what, asks adapters for new instruments, and
 * runs the timer that closes bars in quiet markets (by telling its own actor `closeBars`, so that the close runs
 * at the time that message carries).
 */
export const marketDataMachine = setup({
  types: {
    context: {} as MarketDataContext,
    events: {} as MarketDataEvent,
    input: {} as MarketDataInput | undefined,
  },
  delays: {
    barCloseCheck: ({ context }) => context.barCloseCheckMs,
  },
  guards: {
    timerOff: ({ context }) => context.barCloseCheckMs <= 0,
  },
  actions: {
    emit: () => undefined,
    answerStats: () => undefined,
    requestCloseBars: () => undefined,
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
    barCloseCheckMs: input?.barCloseCheckMs ?? 100,
    subscriptions: {},
    routes: {},
    requested: {},
    outbox: [],
  }),
  initial: 'timed',
  states: {
    // A delayed transition, so that the timer is saved with the state and re-armed on restore.
    timed: {
      always: { guard: 'timerOff', target: 'untimed' },
      after: { barCloseCheck: { target: 'timed', reenter: true, actions: 'requestCloseBars' } },
    },
    untimed: {},
  },
  on: {
    subscribe: { actions: ['subscribe', 'emit'] },
    unsubscribe: { actions: 'unsubscribe' },
    stats: { actions: 'answerStats' },
  },
});
