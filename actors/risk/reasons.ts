/**
 * Why the risk engine denied an order: a stable code per check, in the order the checks run. Codes are data
 * (they appear in order events, logs and scripts); messages are for people.
 */
export const RISK_REASONS = [
  'INSTRUMENT_UNKNOWN',
  'PRICE_INVALID',
  'TRIGGER_PRICE_INVALID',
  'QUANTITY_INVALID',
  'QUANTITY_BELOW_MIN',
  'QUANTITY_ABOVE_MAX',
  'GTD_EXPIRED',
  'NO_PRICE_FOR_NOTIONAL',
  'NOTIONAL_ABOVE_ORDER_MAX',
  'NOTIONAL_BELOW_INSTRUMENT_MIN',
  'NOTIONAL_ABOVE_INSTRUMENT_MAX',
  'INSUFFICIENT_BALANCE',
  'POSITION_LIMIT',
  'MAX_OPEN_ORDERS',
  'DUPLICATE_ORDER',
  'TRADING_HALTED',
  'TRADING_REDUCING',
  'SUBMIT_RATE',
  'MODIFY_RATE',
  'ORDER_NOT_OPEN',
  'INSTRUMENT_MISMATCH',
  'REDUCE_ONLY',
  'CHECK_FAILED',
] as const;

export type RiskReason = (typeof RISK_REASONS)[number];

export interface Denial {
  reason: RiskReason;
  message: string;
}
