import { assign, not, setup } from 'xstate';
import type { InstrumentSpec } from '../../src/domain/instrument.ts';
import type { OrderType } from '../../src/domain/order-types.ts';
import type { ProtocolEvent } from '../../src/index.ts';
import {
  adopt,
  applyTick,
  applyVenueEvent,
  deny,
  type Emission,
  emptyBook,
  type OrderBookState,
  requestChange,
  submit,
  sweep,
} from './orders.ts';
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
  /** What the last message produced: the `emit` effect sends it, and traces show it in the state. */
  outbox: Emission[];
}

export type ExecutionEvent = ProtocolEvent<typeof executionProtocol>;

function hasAny(records: Record<string, unknown>): boolean {
  for (const _ in records) return true;
  return false;
}

/** Runs a handler; what it cannot do (an unknown order or instrument) becomes a problem report, not a crash. */
function handled(clientOrderId: string, run: () => Emission[]): Partial<ExecutionContext> {
  try {
    return { outbox: run() };
  } catch (error) {
    return { outbox: [{ kind: 'problem', clientOrderId, reason: (error as Error).message }] };
  }
}

/**
 * Execution owns every order's state (by the order status table): it records approved and denied orders, sends
 * approved ones, modifies and cancels to the venue's adapter, emulates order types a venue lacks, asks venues
 * about orders they leave unanswered, and applies what venues report. The machine does no I/O: each message's
 * effects are computed into `outbox` and sent by the `emit` action its definition provides.
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
    somethingToWatch: ({ context }) => hasAny(context.inFlight) || hasAny(context.emulated),
  },
  actions: {
    emit: () => undefined,
    answerOrder: () => undefined,
    answerOpenOrders: () => undefined,
    answerStats: () => undefined,
    /** Sends execution a checkInFlight message, so that the sweep runs at the time the message carries. */
    requestCheck: () => undefined,
    handle: assign(({ context, event }) => {
      const now = event.meta.timestamp;
      switch (event.type) {
        case 'submitOrder':
          return handled(event.payload.order.clientOrderId, () => submit(context, event.payload.order, now));
        case 'orderDenied': {
          const reason = event.payload.reason ?? 'denied';
          return handled(event.payload.order.clientOrderId, () =>
            deny(context, event.payload.order, reason, now),
          );
        }
        case 'modifyOrder': {
          const { clientOrderId, instrumentId: _instrument, ...change } = event.payload;
          return handled(clientOrderId, () => requestChange(context, clientOrderId, 'modify', change, now));
        }
        case 'cancelOrder':
          return handled(event.payload.clientOrderId, () =>
            requestChange(context, event.payload.clientOrderId, 'cancel', {}, now),
          );
        case 'venueEvent':
          return handled(event.payload.clientOrderId, () =>
            applyVenueEvent(context, event.payload.clientOrderId, event.payload.event, now),
          );
        case 'adoptOrder':
          return handled(event.payload.order.clientOrderId, () => adopt(context, event.payload.order, now));
        case 'marketPrice':
          return handled('', () => applyTick(context, event.payload, now));
        case 'checkInFlight':
          return handled('', () => sweep(context, now));
        case 'modifyDenied': {
          const order = context.orders[event.payload.clientOrderId];
          const reason = event.payload.reason ?? 'denied';
          if (order === undefined) {
            return {
              outbox: [
                {
                  kind: 'problem',
                  clientOrderId: event.payload.clientOrderId,
                  reason: 'modify denied for an unknown order',
                },
              ],
            };
          }
          return { outbox: [{ kind: 'orderEvent', order, event: { type: 'ModifyRejected', reason } }] };
        }
        default:
          return { outbox: [] };
      }
    }),
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
    resting: { always: { guard: 'somethingToWatch', target: 'watching' } },
    unwatched: {},
  },
  on: {
    submitOrder: { actions: ['handle', 'emit'] },
    orderDenied: { actions: ['handle', 'emit'] },
    modifyOrder: { actions: ['handle', 'emit'] },
    modifyDenied: { actions: ['handle', 'emit'] },
    cancelOrder: { actions: ['handle', 'emit'] },
    venueEvent: { actions: ['handle', 'emit'] },
    adoptOrder: { actions: ['handle', 'emit'] },
    marketPrice: { actions: ['handle', 'emit'] },
    checkInFlight: { actions: ['handle', 'emit'] },
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
