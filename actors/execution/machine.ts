import { assign, not, setup } from 'xstate';
import type { InstrumentSpec } from '../../src/domain/instrument.ts';
import type { OrderType } from '../../src/domain/order-types.ts';
import type { ProtocolEvent } from '../../src/index.ts';
import { type Emission, emptyBook, type OrderBookState } from './orders.ts';
import type { executionProtocol } from './protocol.ts';

export interface ExecutionInput {
  instruments?: InstrumentSpec[];
  /** Venue name (the part after the dot of an instrument id) to the actor id of its adapter. */
  venues?: Record<string, string>;
  /** The adapter for venues not in `venues`. Default `venue-<NAME>`. */
  venueFallback?: string;
  /** Venue name to the order types it takes; others are emulated. Default MARKET and LIMIT only. */
  nativeOrderTypes?: Record<string, OrderType[]>;
  riskId?: string;
  /** The portfolio: told of fills and of the order events that lock or release cash. */
  portfolioId?: string;
  /** Actors told of every order event (besides the order's strategy, if `notifyStrategies`). */
  orderEventSinks?: string[];
  notifyStrategies?: boolean;
  /** How often execution looks for unanswered orders; 0 turns its timer off (a script sends checkInFlight). */
  inFlightCheckMs?: number;
  /** How long an order waits for its venue's answer before the venue is asked. Default 5000. */
  inFlightTimeoutMs?: number;
  /** Queries about one order before it is reported and left alone. Default 3. */
  maxQueries?: number;
  /** Closed orders kept in memory for late fills. Default 10,000. */
  closedRetention?: number;
}

export interface ExecutionContext extends OrderBookState {
  venues: Record<string, string>;
  venueFallback: string | undefined;
  riskId: string;
  portfolioId: string | undefined;
  orderEventSinks: string[];
  notifyStrategies: boolean;
  inFlightCheckMs: number;
  /** What the last message produced: the actor's emitter sends it, and traces show it in the state. */
  outbox: Emission[];
}

export type ExecutionEvent =
  | ProtocolEvent<typeof executionProtocol>
  /** From the fast handlers: orders now wait for their venues, so the in-flight timer must run. */
  | { type: 'booked'; meta?: undefined };

function hasAny(records: Record<string, unknown>): boolean {
  for (const _ in records) return true;
  return false;
}

/** Whether some order awaits its venue's answer or is emulated here (a GTD one may expire). */
export function somethingToWatch(book: OrderBookState): boolean {
  return hasAny(book.inFlight) || hasAny(book.emulated);
}

/**
 * Execution owns every order's state (by the order status table): it records approved and denied orders, sends
 * approved ones, modifies and cancels to the venue's adapter, emulates order types a venue lacks, asks venues
 * about orders they leave unanswered, and applies what venues report. Order flow arrives at order rate, so the
 * actor's fast handlers apply it to the book (handle.ts) without a transition each; the machine holds the book,
 * runs the in-flight timer while something needs watching, and answers queries. It does no I/O: replies and the
 * timer's message are actions its definition provides.
 */
export const executionMachine = setup({
  types: {
    context: {} as ExecutionContext,
    events: {} as ExecutionEvent,
    input: {} as ExecutionInput | undefined,
  },
  delays: {
    inFlightCheck: ({ context }) => context.inFlightCheckMs,
  },
  guards: {
    timerOff: ({ context }) => context.inFlightCheckMs <= 0,
    somethingToWatch: ({ context }) => somethingToWatch(context),
  },
  actions: {
    answerOrder: () => undefined,
    answerOpenOrders: () => undefined,
    answerStats: () => undefined,
    /** Sends execution a checkInFlight message, so that the sweep runs at the time the message carries. */
    requestCheck: () => undefined,
  },
}).createMachine({
  id: 'execution',
  context: ({ input }) => ({
    ...emptyBook(
      {
        nativeTypes: input?.nativeOrderTypes ?? {},
        inFlightTimeoutMs: input?.inFlightTimeoutMs ?? 5000,
        maxQueries: input?.maxQueries ?? 3,
        closedRetention: input?.closedRetention ?? 10_000,
      },
      input?.instruments,
    ),
    venues: input?.venues ?? {},
    venueFallback: input?.venueFallback,
    riskId: input?.riskId ?? 'risk',
    portfolioId: input?.portfolioId,
    orderEventSinks: input?.orderEventSinks ?? [],
    notifyStrategies: input?.notifyStrategies ?? true,
    inFlightCheckMs: input?.inFlightCheckMs ?? 1000,
    outbox: [],
  }),
  initial: 'watching',
  states: {
    // The in-flight timer: a delayed transition, so that it is saved with the state and re-armed on restore. It
    // runs only while some order awaits its venue or is emulated here (a GTD one may expire): a backtest's simulated
    // clock then runs through the time with no order out without firing it.
    watching: {
      always: [
        { guard: 'timerOff', target: 'unwatched' },
        { guard: not('somethingToWatch'), target: 'resting' },
      ],
      after: { inFlightCheck: { target: 'watching', reenter: true, actions: 'requestCheck' } },
    },
    // The timer's setting is fixed at start (watching sent a timer that is off to unwatched): only orders wake it.
    resting: { on: { booked: 'watching' } },
    unwatched: {},
  },
  on: {
    instrument: {
      actions: assign({
        instruments: ({ context, event }) => ({
          ...context.instruments,
          [event.payload.spec.id]: event.payload.spec,
        }),
      }),
    },
    order: { actions: 'answerOrder' },
    openOrders: { actions: 'answerOpenOrders' },
    stats: { actions: 'answerStats' },
  },
});
