import { Decimal } from '../../src/domain/decimal.ts';
import type { Order } from '../../src/domain/order.ts';
import { hasLimitPrice, isTrailing, ORDER_TYPES, type OrderType } from '../../src/domain/order-types.ts';

/** A price update for an instrument: the last trade and, when known, the touch. */
export interface PriceTick {
  instrumentId: string;
  price: string;
  bid?: string;
  ask?: string;
}

/** An order execution holds for a venue that lacks its type, until the market triggers it. */
export interface EmulatedOrder {
  instrumentId: string;
  /** A trailing order's trigger as the market has moved it (none before its first price). */
  trailingTrigger?: string;
}

/** What a venue takes without emulation when its adapter does not say: market and limit orders. */
export const DEFAULT_NATIVE_TYPES: readonly OrderType[] = ['MARKET', 'LIMIT'];
export const ALL_ORDER_TYPES: readonly OrderType[] = ORDER_TYPES;

export type TickOutcome =
  | { kind: 'none' }
  /** A trailing order's trigger follows the market. */
  | { kind: 'trail'; trigger: string }
  /** The order is released to its venue as `release`. */
  | { kind: 'release'; release: Order };

/**
 * The price the order's trigger is compared with: a buy meets the ask, a sell the bid (the last trade price
 * when the touch is not known).
 */
function touch(side: Order['side'], tick: PriceTick): Decimal {
  return Decimal.parse(side === 'BUY' ? (tick.ask ?? tick.price) : (tick.bid ?? tick.price), 'price');
}

/** The order as the venue receives it once released: a market or a limit order, with the same client order id. */
export function releasedOrder(order: Order, tick: PriceTick): Order {
  const { triggerPrice: _trigger, trailingOffset: _offset, ...rest } = order;
  if (order.type === 'MARKET_TO_LIMIT') {
    return { ...rest, type: 'LIMIT', price: touch(order.side, tick).toString() };
  }
  if (hasLimitPrice(order.type)) return { ...rest, type: 'LIMIT' };
  return { ...rest, type: 'MARKET' };
}

function crossed(order: Order, trigger: Decimal, price: Decimal): boolean {
  const buy = order.side === 'BUY';
  switch (order.type) {
    case 'STOP_MARKET':
    case 'STOP_LIMIT':
    case 'TRAILING_STOP_MARKET':
    case 'TRAILING_STOP_LIMIT':
      return buy ? price.gte(trigger) : price.lte(trigger);
    case 'MARKET_IF_TOUCHED':
    case 'LIMIT_IF_TOUCHED':
      return buy ? price.lte(trigger) : price.gte(trigger);
    default:
      return false;
  }
}

/**
 * What a tick does to an emulated order. Stops trigger when the market reaches the trigger price against them
 * (a buy stop at or above, a sell stop at or below); if-touched orders when it reaches it in their favour;
 * a trailing stop's trigger follows the best price by its offset and never moves back; a market-to-limit order
 * is released at the first price, as a limit at the touch.
 */
export function onTick(order: Order, emulated: EmulatedOrder, tick: PriceTick): TickOutcome {
  const price = touch(order.side, tick);
  if (order.type === 'MARKET_TO_LIMIT') return { kind: 'release', release: releasedOrder(order, tick) };
  if (isTrailing(order.type)) {
    const offset = Decimal.parse(order.trailingOffset as string, 'trailingOffset');
    const candidate = order.side === 'BUY' ? price.add(offset) : price.sub(offset);
    const current =
      emulated.trailingTrigger === undefined ? undefined : Decimal.parse(emulated.trailingTrigger);
    if (current !== undefined && crossed(order, current, price)) {
      return { kind: 'release', release: releasedOrder(order, tick) };
    }
    const better =
      current === undefined || (order.side === 'BUY' ? candidate.lt(current) : candidate.gt(current));
    return better ? { kind: 'trail', trigger: candidate.toString() } : { kind: 'none' };
  }
  const trigger = Decimal.parse(order.triggerPrice as string, 'triggerPrice');
  return crossed(order, trigger, price)
    ? { kind: 'release', release: releasedOrder(order, tick) }
    : { kind: 'none' };
}
