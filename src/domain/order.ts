import { ValidationError } from '../resilience/errors.ts';
import { Decimal } from './decimal.ts';
import { assertClientOrderId } from './identifiers.ts';
import type { Instrument } from './instrument.ts';
import { canTransition, type OrderStatus } from './order-status.ts';
import {
  hasLimitPrice,
  hasTrigger,
  isTrailing,
  ORDER_SIDES,
  ORDER_TYPES,
  type OrderSide,
  type OrderType,
  TIME_IN_FORCE,
  type TimeInForce,
} from './order-types.ts';
import { OrderRequestSchema } from './schemas.ts';

/** What a strategy asks for. Decimals are canonical text, so an order is plain, cloneable data. */
export interface OrderRequest {
  clientOrderId: string;
  strategyId: string;
  instrumentId: string;
  side: OrderSide;
  type: OrderType;
  quantity: string;
  price?: string;
  triggerPrice?: string;
  trailingOffset?: string;
  timeInForce?: TimeInForce;
  /** Epoch ms; required for GTD. */
  expireTime?: number;
  postOnly?: boolean;
  reduceOnly?: boolean;
  /** Hedging accounts: the position this order adds to or reduces (a new position when absent). */
  positionId?: string;
}

/** An order as execution keeps it: the request (defaults filled in) and where it stands. */
export interface Order
  extends Omit<OrderRequest, 'timeInForce' | 'postOnly' | 'reduceOnly'>,
    Required<Pick<OrderRequest, 'timeInForce' | 'postOnly' | 'reduceOnly'>> {
  status: OrderStatus;
  /** The status before PENDING_UPDATE / PENDING_CANCEL, to return to when the venue rejects the modify or cancel. */
  statusBeforePending?: OrderStatus;
  filledQuantity: string;
  /** Sum of price x quantity over the fills, exact: the average fill price is derived from it. */
  filledNotional: string;
  averageFillPrice?: string;
  venueOrderId?: string;
  tradeIds: string[];
  reason?: string;
}

export type OrderEvent =
  | { type: 'Denied'; reason: string }
  | { type: 'Submitted' }
  | { type: 'Accepted'; venueOrderId?: string }
  | { type: 'Rejected'; reason: string }
  | { type: 'Canceled' }
  | { type: 'Expired' }
  | { type: 'Triggered' }
  | { type: 'PendingUpdate' }
  | { type: 'PendingCancel' }
  | { type: 'Updated'; quantity?: string; price?: string; triggerPrice?: string }
  | { type: 'ModifyRejected'; reason: string }
  | { type: 'CancelRejected'; reason: string }
  | { type: 'Filled'; tradeId: string; quantity: string; price: string; commission?: string };

export type OrderEventType = OrderEvent['type'];

export type ApplyResult =
  | { outcome: 'applied'; order: Order }
  /** A fill whose trade id was already applied: nothing changes, and that is not an error. */
  | { outcome: 'ignored'; order: Order; reason: string }
  | { outcome: 'refused'; order: Order; reason: string };

const STATUS_OF: Partial<Record<OrderEventType, OrderStatus>> = {
  Denied: 'DENIED',
  Submitted: 'SUBMITTED',
  Accepted: 'ACCEPTED',
  Rejected: 'REJECTED',
  Canceled: 'CANCELED',
  Expired: 'EXPIRED',
  Triggered: 'TRIGGERED',
  PendingUpdate: 'PENDING_UPDATE',
  PendingCancel: 'PENDING_CANCEL',
};

/** The error for a request that fails a check, naming the order. */
function invalid(request: OrderRequest, problem: string): ValidationError {
  return new ValidationError(`order ${JSON.stringify(request.clientOrderId)}: ${problem}`);
}

/** The fields of an order that make up its request; what execution adds (status, fills) is not among them. */
const REQUEST_FIELDS = Object.keys(OrderRequestSchema.properties) as Array<keyof OrderRequest>;

/**
 * The request an order was made from, as a venue takes it (its schema allows no other field). An absent optional
 * field stays absent, not undefined, so the request survives the trip between threads unchanged.
 */
export function requestOf(order: Readonly<Record<string, unknown>> | Order): OrderRequest {
  const source = order as Readonly<Record<string, unknown>>;
  const request: Record<string, unknown> = {};
  for (const field of REQUEST_FIELDS) {
    if (source[field] !== undefined) request[field] = source[field];
  }
  return request as unknown as OrderRequest;
}

/** Checks a request against its instrument and returns the INITIALIZED order, or throws naming the field. */
export function createOrder(request: OrderRequest, instrument: Instrument, now: number): Order {
  // Each message is made inside its failed check: this runs for every order.
  assertClientOrderId(request.clientOrderId);
  if (typeof request.strategyId !== 'string' || request.strategyId.length === 0)
    throw invalid(request, 'strategyId is required');
  if (request.instrumentId !== instrument.id.value)
    throw invalid(request, `instrumentId ${request.instrumentId} is not ${instrument.id.value}`);
  if (!ORDER_SIDES.includes(request.side))
    throw invalid(request, `side ${JSON.stringify(request.side)} is not BUY or SELL`);
  if (!ORDER_TYPES.includes(request.type))
    throw invalid(request, `type ${JSON.stringify(request.type)} is not one of ${ORDER_TYPES.join(', ')}`);
  const timeInForce = request.timeInForce ?? 'GTC';
  if (!TIME_IN_FORCE.includes(timeInForce))
    throw invalid(
      request,
      `timeInForce ${JSON.stringify(timeInForce)} is not one of ${TIME_IN_FORCE.join(', ')}`,
    );
  const quantity = instrument.checkQuantity(request.quantity);
  if (typeof quantity === 'string') throw invalid(request, quantity);
  const order: Order = {
    clientOrderId: request.clientOrderId,
    strategyId: request.strategyId,
    instrumentId: request.instrumentId,
    side: request.side,
    type: request.type,
    quantity: quantity.toString(),
    timeInForce,
    postOnly: request.postOnly ?? false,
    reduceOnly: request.reduceOnly ?? false,
    status: 'INITIALIZED',
    filledQuantity: Decimal.zero(instrument.sizePrecision).toString(),
    filledNotional: '0',
    tradeIds: [],
  };
  if (hasLimitPrice(request.type)) {
    if (request.price === undefined) throw invalid(request, `a ${request.type} order needs a price`);
    const price = instrument.checkPrice(request.price);
    if (typeof price === 'string') throw invalid(request, price);
    order.price = price.toString();
  } else if (request.price !== undefined) {
    throw invalid(request, `a ${request.type} order takes no price`);
  }
  if (isTrailing(request.type)) {
    if (request.trailingOffset === undefined)
      throw invalid(request, `a ${request.type} order needs a trailingOffset`);
    const offset = instrument.checkPrice(request.trailingOffset, 'trailingOffset');
    if (typeof offset === 'string') throw invalid(request, offset);
    order.trailingOffset = offset.toString();
  } else if (hasTrigger(request.type)) {
    if (request.triggerPrice === undefined)
      throw invalid(request, `a ${request.type} order needs a triggerPrice`);
    const trigger = instrument.checkPrice(request.triggerPrice, 'triggerPrice');
    if (typeof trigger === 'string') throw invalid(request, trigger);
    order.triggerPrice = trigger.toString();
  } else if (request.triggerPrice !== undefined) {
    throw invalid(request, `a ${request.type} order takes no triggerPrice`);
  }
  if (timeInForce === 'GTD') {
    if (typeof request.expireTime !== 'number' || !Number.isFinite(request.expireTime))
      throw invalid(request, 'GTD needs expireTime (epoch ms)');
    if (request.expireTime <= now)
      throw invalid(request, `expireTime ${request.expireTime} has already passed`);
    order.expireTime = request.expireTime;
  }
  if (request.positionId !== undefined) order.positionId = request.positionId;
  if (order.postOnly && !hasLimitPrice(order.type))
    throw invalid(request, 'postOnly applies to orders with a limit price only');
  return order;
}

function refuse(order: Order, event: OrderEvent, to?: OrderStatus): ApplyResult {
  const move = to === undefined ? event.type : `${event.type} (to ${to})`;
  return {
    outcome: 'refused',
    order,
    reason: `order ${order.clientOrderId} in ${order.status} cannot take ${move}`,
  };
}

/**
 * Applies one event to an order by the transition table. An event the table does not allow is refused and the
 * order keeps its status; a fill with an already-applied trade id is ignored; a fill beyond the order's quantity
 * is refused unless `allowOverfill`.
 */
export function applyOrderEvent(
  order: Order,
  event: OrderEvent,
  options: { allowOverfill?: boolean } = {},
): ApplyResult {
  switch (event.type) {
    case 'ModifyRejected':
    case 'CancelRejected': {
      const pending = event.type === 'ModifyRejected' ? 'PENDING_UPDATE' : 'PENDING_CANCEL';
      if (order.status !== pending || order.statusBeforePending === undefined) return refuse(order, event);
      const { statusBeforePending, ...rest } = order;
      // See applyFill: `reason` may be new to the order.
      return {
        outcome: 'applied',
        order: Object.assign(rest, { status: statusBeforePending, reason: event.reason }),
      };
    }
    case 'Updated': {
      const back = order.statusBeforePending;
      if (order.status !== 'PENDING_UPDATE' || back === undefined || !canTransition(order.status, back)) {
        return refuse(order, event, back);
      }
      const { statusBeforePending, ...rest } = order;
      const updated: Order = { ...rest, status: back };
      if (event.quantity !== undefined) updated.quantity = event.quantity;
      if (event.price !== undefined) updated.price = event.price;
      if (event.triggerPrice !== undefined) updated.triggerPrice = event.triggerPrice;
      return { outcome: 'applied', order: updated };
    }
    case 'Filled':
      return applyFill(order, event, options.allowOverfill ?? false);
    default: {
      const to = STATUS_OF[event.type] as OrderStatus;
      if (!canTransition(order.status, to)) return refuse(order, event, to);
      if (to === 'TRIGGERED' && !hasTrigger(order.type)) {
        return {
          outcome: 'refused',
          order,
          reason: `order ${order.clientOrderId}: a ${order.type} order has no trigger`,
        };
      }
      const next: Order = { ...order, status: to };
      if (to === 'PENDING_UPDATE' || to === 'PENDING_CANCEL') {
        // From one pending status to another, the status to return to stays the one before both.
        if (order.status !== 'PENDING_UPDATE' && order.status !== 'PENDING_CANCEL')
          next.statusBeforePending = order.status;
      } else {
        delete next.statusBeforePending;
      }
      if (event.type === 'Accepted' && event.venueOrderId !== undefined)
        next.venueOrderId = event.venueOrderId;
      if (event.type === 'Denied' || event.type === 'Rejected') next.reason = event.reason;
      return { outcome: 'applied', order: next };
    }
  }
}

function applyFill(
  order: Order,
  fill: Extract<OrderEvent, { type: 'Filled' }>,
  allowOverfill: boolean,
): ApplyResult {
  if (order.tradeIds.includes(fill.tradeId)) {
    return {
      outcome: 'ignored',
      order,
      reason: `trade ${fill.tradeId} already applied to ${order.clientOrderId}`,
    };
  }
  const quantity = Decimal.parse(fill.quantity, 'fill quantity');
  const price = Decimal.parse(fill.price, 'fill price');
  if (quantity.sign <= 0)
    return { outcome: 'refused', order, reason: `fill quantity ${fill.quantity} must be positive` };
  if (price.sign <= 0)
    return { outcome: 'refused', order, reason: `fill price ${fill.price} must be positive` };
  const total = Decimal.parse(order.quantity);
  const filledBefore = Decimal.parse(order.filledQuantity);
  const filled = filledBefore.add(quantity);
  if (filled.gt(total) && !allowOverfill) {
    return {
      outcome: 'refused',
      order,
      reason: `fill of ${fill.quantity} would overfill ${order.clientOrderId} (${order.filledQuantity} of ${order.quantity} filled)`,
    };
  }
  const to: OrderStatus = filled.gte(total) ? 'FILLED' : 'PARTIALLY_FILLED';
  if (!canTransition(order.status, to)) return refuse(order, fill, to);
  const notional = Decimal.parse(order.filledNotional).add(price.mul(quantity));
  // Shown to at least 8 places; the exact value is filledNotional / filledQuantity.
  const average = notional.div(filled, Math.max(price.scale, 8));
  const { statusBeforePending, ...rest } = order;
  // Assigned to the rest rather than spread into a literal: V8 gives a map of its own to every object that is
  // spread and then takes a new property (the first fill's averageFillPrice), which slows every later read of it.
  return {
    outcome: 'applied',
    order: Object.assign(rest, {
      status: to,
      filledQuantity: filled.rescale(Math.max(filled.scale, total.scale)).toString(),
      filledNotional: notional.toString(),
      averageFillPrice: average.toString(),
      tradeIds: [...order.tradeIds, fill.tradeId],
    }),
  };
}
