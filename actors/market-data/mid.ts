import { Decimal } from '../../src/domain/decimal.ts';

const TWO = Decimal.of(2);

/**
 * A quote's mid price at the quote's own precision (the finer of bid and ask), rounded half-even: the exact mid
 * needs one more decimal place than the instrument's prices have, and price consumers (marks, triggers, bars)
 * compare it with prices at that precision. Half-even keeps a long series of half-way mids unbiased.
 */
export function midOf(bid: Decimal, ask: Decimal): Decimal {
  return bid.add(ask).div(TWO, Math.max(bid.scale, ask.scale));
}
