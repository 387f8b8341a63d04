import { Decimal } from './decimal.ts';
import type { OrderSide } from './order-types.ts';

/** Decimal places the average open price is kept at, beyond the instrument's price precision. */
export const AVERAGE_EXTRA_PLACES = 10;

/**
 * A netting position in one instrument: signed quantity (long > 0, short < 0), average open price, realized PnL
 * (before commissions) and commissions paid, all exact decimals as text (cloneable state).
 */
export interface Position {
  instrumentId: string;
  quantity: string;
  averageOpenPrice: string;
  realizedPnl: string;
  commissions: string;
  fills: number;
}

export interface PositionFill {
  side: OrderSide;
  quantity: string;
  price: string;
  commission?: string;
}

export function flatPosition(instrumentId: string): Position {
  return { instrumentId, quantity: '0', averageOpenPrice: '0', realizedPnl: '0', commissions: '0', fills: 0 };
}

/**
 * Applies a fill. Adding to a position moves the average open price (kept at price precision + 10 places,
 * half-even); reducing realizes (exit - average) x closed quantity; a fill larger than the position closes it and
 * opens the rest on the other side at the fill price.
 */
export function applyFill(position: Position, fill: PositionFill, pricePrecision: number): Position {
  const quantity = Decimal.parse(position.quantity);
  const average = Decimal.parse(position.averageOpenPrice);
  const fillQuantity = Decimal.parse(fill.quantity, 'fill quantity');
  const price = Decimal.parse(fill.price, 'fill price');
  const signed = fill.side === 'BUY' ? fillQuantity : fillQuantity.neg();
  const averageScale = pricePrecision + AVERAGE_EXTRA_PLACES;
  let realized = Decimal.parse(position.realizedPnl);
  let nextQuantity: Decimal;
  let nextAverage: Decimal;

  if (quantity.isZero() || quantity.sign === signed.sign) {
    nextQuantity = quantity.add(signed);
    const openValue = average.mul(quantity.abs()).add(price.mul(fillQuantity));
    nextAverage = openValue.div(nextQuantity.abs(), averageScale);
  } else {
    const closed = fillQuantity.lt(quantity.abs()) ? fillQuantity : quantity.abs();
    const perUnit = quantity.sign > 0 ? price.sub(average) : average.sub(price);
    realized = realized.add(perUnit.mul(closed));
    nextQuantity = quantity.add(signed);
    if (nextQuantity.isZero()) nextAverage = Decimal.zero();
    else if (nextQuantity.sign === quantity.sign) nextAverage = average;
    else nextAverage = price.rescale(averageScale);
  }
  const commission =
    fill.commission === undefined ? Decimal.zero() : Decimal.parse(fill.commission, 'commission');
  return {
    instrumentId: position.instrumentId,
    quantity: nextQuantity.toString(),
    averageOpenPrice: nextAverage.toString(),
    realizedPnl: realized.toString(),
    commissions: Decimal.parse(position.commissions).add(commission).toString(),
    fills: position.fills + 1,
  };
}

/** Unrealized PnL at `markPrice`: (mark - average) x quantity, signed by the side. */
export function unrealizedPnl(position: Position, markPrice: string): Decimal {
  const quantity = Decimal.parse(position.quantity);
  if (quantity.isZero()) return Decimal.zero();
  return Decimal.parse(markPrice).sub(Decimal.parse(position.averageOpenPrice)).mul(quantity);
}
