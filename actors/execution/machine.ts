import { assign, setup } from 'xstate';
import type { InstrumentSpec } from '../../src/domain/instrument.ts';
import type { ProtocolEvent } from '../../src/index.ts';
import {
  applyVenueEvent,
  deny,
  type Emission,
  type Handled,
  type OrderBookState,
  requestChange,
  submit,
} from './orders.ts';
import type { executionProtocol } from './protocol.ts';

export interface ExecutionInput {
  instruments?: InstrumentSpec[];
  /** Venue name (the part after the dot of an instrument id) to the actor id of its adapter. */
  venues?: Record<string, string>;
  /** The adapter for venues not in `venues`. Default `venue-<NAME>`. */
  venueFallback?: string;
  riskId?: string;
  portfolioId?: string;
  /** Actors told of every order event (besides the order's strategy, if `notifyStrategies`). */
  orderEventSinks?: string[];
  notifyStrategies?: boolean;
}

export interface ExecutionContext extends OrderBookState {
  venues: Record<string, string>;
  venueFallback: string | undefined;
  riskId: string;
  portfolioId: string | undefined;
  orderEventSinks: string[];
  notifyStrategies: boolean;
  /** What the last message produced: the `emit` effect sends it, and traces show it in the state. */
  outbox: Emission[];
}

export type ExecutionEvent = ProtocolEvent<typeof executionProtocol>;

/** Runs a handler; what it cannot do (an unknown order or instrument) becomes a problem report, not a crash. */
function handled(clientOrderId: string, run: () => Handled): Partial<ExecutionContext> {
  try {
    const result = run();
    return { orders: result.orders, outbox: result.emissions };
  } catch (error) {
    return { outbox: [{ kind: 'problem', clientOrderId, reason: (error as Error).message }] };
  }
}

/**
 * Execution owns every order's state (by the order status table): it records approved and denied orders, sends
 * approved ones, modifies and cancels to the venue's adapter, and applies what venues report. The machine does no
 * I/O: each message's effects are computed into `outbox` and sent by the `emit` action its definition provides.
 */
export const executionMachine = setup({
  types: {
    context: {} as ExecutionContext,
    events: {} as ExecutionEvent,
    input: {} as ExecutionInput | undefined,
  },
  actions: {
    emit: () => undefined,
    answerOrder: () => undefined,
    answerOpenOrders: () => undefined,
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
          return handled(clientOrderId, () => requestChange(context, clientOrderId, 'modify', change));
        }
        case 'cancelOrder':
          return handled(event.payload.clientOrderId, () =>
            requestChange(context, event.payload.clientOrderId, 'cancel', {}),
          );
        case 'venueEvent':
          return handled(event.payload.clientOrderId, () =>
            applyVenueEvent(context, event.payload.clientOrderId, event.payload.event),
          );
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
    orders: {},
    instruments: Object.fromEntries((input?.instruments ?? []).map((spec) => [spec.id, spec])),
    venues: input?.venues ?? {},
    venueFallback: input?.venueFallback,
    riskId: input?.riskId ?? 'risk',
    portfolioId: input?.portfolioId,
    orderEventSinks: input?.orderEventSinks ?? [],
    notifyStrategies: input?.notifyStrategies ?? true,
    outbox: [],
  }),
  on: {
    submitOrder: { actions: ['handle', 'emit'] },
    orderDenied: { actions: ['handle', 'emit'] },
    modifyOrder: { actions: ['handle', 'emit'] },
    modifyDenied: { actions: ['handle', 'emit'] },
    cancelOrder: { actions: ['handle', 'emit'] },
    venueEvent: { actions: ['handle', 'emit'] },
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
  },
});
