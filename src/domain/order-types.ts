export const ORDER_TYPES = [
  'MARKET',
  'LIMIT',
  'STOP_MARKET',
  'STOP_LIMIT',
  'MARKET_IF_TOUCHED',
  'LIMIT_IF_TOUCHED',
  'TRAILING_STOP_MARKET',
  'TRAILING_STOP_LIMIT',
  'MARKET_TO_LIMIT',
] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

export const TIME_IN_FORCE = ['GTC', 'IOC', 'FOK', 'GTD', 'DAY'] as const;
export type TimeInForce = (typeof TIME_IN_FORCE)[number];

export const ORDER_SIDES = ['BUY', 'SELL'] as const;
export type OrderSide = (typeof ORDER_SIDES)[number];

/** Order types that rest with a limit price. */
export function hasLimitPrice(type: OrderType): boolean {
  return (
    type === 'LIMIT' || type === 'STOP_LIMIT' || type === 'LIMIT_IF_TOUCHED' || type === 'TRAILING_STOP_LIMIT'
  );
}

/** Order types that wait for a trigger: only these may become TRIGGERED. */
export function hasTrigger(type: OrderType): boolean {
  return (
    type === 'STOP_MARKET' ||
    type === 'STOP_LIMIT' ||
    type === 'MARKET_IF_TOUCHED' ||
    type === 'LIMIT_IF_TOUCHED' ||
    type === 'TRAILING_STOP_MARKET' ||
    type === 'TRAILING_STOP_LIMIT'
  );
}

/** Trailing orders follow the market by an offset rather than a fixed trigger price. */
export function isTrailing(type: OrderType): boolean {
  return type === 'TRAILING_STOP_MARKET' || type === 'TRAILING_STOP_LIMIT';
}
