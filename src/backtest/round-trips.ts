import { Decimal } from '../domain/decimal.ts';
import { ValidationError } from '../resilience/errors.ts';
import type { ClosedTrade, FillRecord } from './results.ts';

/** Decimal text carries at most 30 places. */
const MAX_SCALE = 30;
/** Places a prorated fee share keeps beyond those of the fee it comes from. */
const SHARE_EXTRA_PLACES = 8;

/**
 * Hands out a fill's fee in shares proportional to quantity. Prorating divides (a fee split three ways does not
 * end), the one place Decimal must round: the running total is rounded HALF_EVEN (unbiased) to 8 places beyond
 * the fee's, and each share is the difference between running totals, the last total being the fee itself. So
 * however a fill is split, its shares add up to exactly its fee, and no rounding leaks into the summed PnL.
 */
class FeeShares {
  private handedOut = Decimal.zero();
  private prorated = Decimal.zero();

  constructor(
    private readonly fee: Decimal,
    private readonly quantity: Decimal,
  ) {}

  take(quantity: Decimal): Decimal {
    this.handedOut = this.handedOut.add(quantity);
    const scale = Math.min(this.fee.scale + SHARE_EXTRA_PLACES, MAX_SCALE);
    const total = this.handedOut.eq(this.quantity)
      ? this.fee
      : this.fee.mul(this.handedOut).div(this.quantity, scale);
    const share = total.sub(this.prorated);
    this.prorated = total;
    return share;
  }
}

interface Lot {
  time: number;
  price: Decimal;
  quantity: Decimal;
  fee: FeeShares;
}

/** An open position: lots on one side, oldest first. */
interface Position {
  side: FillRecord['side'];
  lots: Lot[];
}

/** The same value without the trailing zeros that prorating's extra places leave (exact: no digit is lost). */
function trimmed(value: Decimal): Decimal {
  let scale = value.scale;
  while (scale > 0 && !value.exceedsScale(scale - 1)) scale--;
  return value.rescale(scale);
}

/**
 * Matches fills into round trips per instrument, first in, first out: a fill on the position's side (or on a flat
 * instrument) opens a lot; a fill on the other side closes the oldest lots, one trade per lot it reaches, and opens
 * a lot the other way with whatever quantity is left (a flip). pnl = (exit - entry) * quantity for a long,
 * (entry - exit) * quantity for a short, minus both fills' fees prorated to the matched quantity.
 * Fills are taken in the order given (time order; ties keep that order).
 */
export function closedTrades(fills: readonly FillRecord[]): ClosedTrade[] {
  const positions = new Map<string, Position>();
  const trades: ClosedTrade[] = [];
  for (const fill of fills) {
    const quantity = Decimal.parse(fill.quantity, 'fill quantity');
    if (quantity.sign <= 0) {
      throw new ValidationError(`fill ${fill.clientOrderId}: quantity ${fill.quantity} is not positive`);
    }
    const price = Decimal.parse(fill.price, 'fill price');
    const fee = new FeeShares(Decimal.parse(fill.fee, 'fill fee'), quantity);
    let rest = quantity;
    const open = positions.get(fill.instrumentId);
    if (open !== undefined && open.side !== fill.side) {
      for (let lot = open.lots[0]; lot !== undefined && rest.sign > 0; lot = open.lots[0]) {
        const matched = rest.lt(lot.quantity) ? rest : lot.quantity;
        const fees = lot.fee.take(matched).add(fee.take(matched));
        const move = open.side === 'BUY' ? price.sub(lot.price) : lot.price.sub(price);
        trades.push({
          instrumentId: fill.instrumentId,
          direction: open.side === 'BUY' ? 'LONG' : 'SHORT',
          entryTime: lot.time,
          exitTime: fill.time,
          quantity: matched.toString(),
          entryPrice: lot.price.toString(),
          exitPrice: price.toString(),
          pnl: trimmed(move.mul(matched).sub(fees)).toString(),
          fees: trimmed(fees).toString(),
        });
        lot.quantity = lot.quantity.sub(matched);
        rest = rest.sub(matched);
        if (lot.quantity.isZero()) open.lots.shift();
      }
      if (open.lots.length === 0) positions.delete(fill.instrumentId);
    }
    if (rest.sign > 0) {
      const position = positions.get(fill.instrumentId) ?? { side: fill.side, lots: [] };
      position.lots.push({ time: fill.time, price, quantity: rest, fee });
      positions.set(fill.instrumentId, position);
    }
  }
  return trades;
}
