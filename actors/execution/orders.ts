import { parseInstrumentId } from '../../src/domain/identifiers.ts';
import { type InstrumentSpec, instrumentOf } from '../../src/domain/instrument.ts';
import {
  applyOrderEvent,
  createOrder,
  type Order,
  type OrderEvent,
  type OrderRequest,
} from '../../src/domain/order.ts';
import { isClosed } from '../../src/domain/order-status.ts';

/** What execution tells others after handling a message: computed here, sent by the actor's effects. */
export type Emission =
  | { kind: 'venue'; venue: string; type: 'submit' | 'modify' | 'cancel'; payload: Record<string, unknown> }
  /** An order event applied (or refused, with the order unchanged): to its strategy, the portfolio, the sinks. */
  | {
      kind: 'orderEvent';
      order: Order;
      event: OrderEvent | { type: 'Refused'; reason: string; refused: string };
    }
  /** The order can no longer fill: risk stops counting it as open. */
  | { kind: 'closed'; clientOrderId: string }
  /** A message execution could not act on (an unknown order, an unknown instrument): nothing changed. */
  | { kind: 'problem'; clientOrderId: string; reason: string };

export interface OrderBookState {
  orders: Record<string, Order>;
  instruments: Record<string, InstrumentSpec>;
}

export interface Handled {
  orders: Record<string, Order>;
  emissions: Emission[];
}

/**
 * Puts an order into the book in place: order flow must not copy the whole book per order. The machine's assign
 * makes a new context object, which is what marks the state as changed.
 */
function withOrder(state: OrderBookState, order: Order): Record<string, Order> {
  state.orders[order.clientOrderId] = order;
  return state.orders;
}

function refused(order: Order, event: string, reason: string): Emission {
  return { kind: 'orderEvent', order, event: { type: 'Refused', reason, refused: event } };
}

/** An approved order: created, SUBMITTED, and sent to its venue. */
export function submit(state: OrderBookState, request: OrderRequest, now: number): Handled {
  const spec = state.instruments[request.instrumentId];
  const existing = state.orders[request.clientOrderId];
  if (existing !== undefined) {
    return {
      orders: state.orders,
      emissions: [refused(existing, 'Submitted', `order ${request.clientOrderId} exists already`)],
    };
  }
  if (spec === undefined) throw new Error(`instrument ${request.instrumentId} is not known to execution`);
  const created = createOrder(request, instrumentOf(spec), now);
  const submitted = applyOrderEvent(created, { type: 'Submitted' });
  const order = submitted.order;
  return {
    orders: withOrder(state, order),
    emissions: [
      {
        kind: 'venue',
        venue: parseInstrumentId(order.instrumentId).venue,
        type: 'submit',
        payload: { order },
      },
      { kind: 'orderEvent', order, event: { type: 'Submitted' } },
    ],
  };
}

/** The order as asked, unchecked: what is kept of a denied order whose request may be malformed. */
function rawOrder(request: OrderRequest): Order {
  return {
    clientOrderId: request.clientOrderId,
    strategyId: request.strategyId,
    instrumentId: request.instrumentId,
    side: request.side,
    type: request.type,
    quantity: request.quantity,
    timeInForce: request.timeInForce ?? 'GTC',
    postOnly: request.postOnly ?? false,
    reduceOnly: request.reduceOnly ?? false,
    status: 'INITIALIZED',
    filledQuantity: '0',
    filledNotional: '0',
    tradeIds: [],
  };
}

/** A denied order is recorded as DENIED and its strategy told; it never goes to a venue. */
export function deny(state: OrderBookState, request: OrderRequest, reason: string, now: number): Handled {
  const spec = state.instruments[request.instrumentId];
  let order: Order;
  try {
    order = spec === undefined ? rawOrder(request) : createOrder(request, instrumentOf(spec), now);
  } catch {
    // A denied order may be malformed (that may be why it was denied): keep it as asked.
    order = rawOrder(request);
  }
  const denied = applyOrderEvent(order, { type: 'Denied', reason }).order;
  return {
    orders: withOrder(state, denied),
    emissions: [{ kind: 'orderEvent', order: denied, event: { type: 'Denied', reason } }],
  };
}

/** A modify or cancel: the order goes pending and the venue is asked. */
export function requestChange(
  state: OrderBookState,
  clientOrderId: string,
  change: 'modify' | 'cancel',
  payload: Record<string, unknown>,
): Handled {
  const order = state.orders[clientOrderId];
  if (order === undefined) {
    throw new Error(`no order ${clientOrderId} to ${change}`);
  }
  const result = applyOrderEvent(order, { type: change === 'modify' ? 'PendingUpdate' : 'PendingCancel' });
  if (result.outcome !== 'applied') {
    return { orders: state.orders, emissions: [refused(order, change, result.reason)] };
  }
  return {
    orders: withOrder(state, result.order),
    emissions: [
      {
        kind: 'venue',
        venue: parseInstrumentId(order.instrumentId).venue,
        type: change,
        payload: { clientOrderId, ...payload },
      },
      {
        kind: 'orderEvent',
        order: result.order,
        event: { type: change === 'modify' ? 'PendingUpdate' : 'PendingCancel' },
      },
    ],
  };
}

/** A venue's report about an order, applied by the order's state table. */
export function applyVenueEvent(state: OrderBookState, clientOrderId: string, event: OrderEvent): Handled {
  const order = state.orders[clientOrderId];
  if (order === undefined) throw new Error(`venue reported ${event.type} for unknown order ${clientOrderId}`);
  const result = applyOrderEvent(order, event);
  if (result.outcome === 'ignored') return { orders: state.orders, emissions: [] };
  if (result.outcome === 'refused')
    return { orders: state.orders, emissions: [refused(order, event.type, result.reason)] };
  const emissions: Emission[] = [{ kind: 'orderEvent', order: result.order, event }];
  if (isClosed(result.order.status) && !isClosed(order.status)) {
    emissions.push({ kind: 'closed', clientOrderId });
  }
  return { orders: withOrder(state, result.order), emissions };
}
