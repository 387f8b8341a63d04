import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/decimal.ts';
import { AVERAGE_EXTRA_PLACES, applyFill, flatPosition, unrealizedPnl } from '../../src/domain/position.ts';

/*
 * Position math against a reference model in exact rationals (numerator / denominator in BigInt), on random fill
 * sequences at random precisions: partial fills, reductions, flips from long to short, commissions. Quantities and
 * commissions must match exactly; the average open price within its kept precision; realized PnL within the
 * rounding that precision allows over the fills.
 */
type Rational = { n: bigint; d: bigint };
const r = (n: bigint, d = 1n): Rational => (d < 0n ? { n: -n, d: -d } : { n, d });
const add = (a: Rational, b: Rational) => r(a.n * b.d + b.n * a.d, a.d * b.d);
const sub = (a: Rational, b: Rational) => add(a, r(-b.n, b.d));
const mul = (a: Rational, b: Rational) => r(a.n * b.n, a.d * b.d);
const div = (a: Rational, b: Rational) => r(a.n * b.d, a.d * b.n);
const sign = (a: Rational) => (a.n > 0n ? 1 : a.n < 0n ? -1 : 0);
const abs = (a: Rational) => r(a.n < 0n ? -a.n : a.n, a.d);
const ofDecimal = (text: string) => {
  const d = Decimal.parse(text);
  return r(d.units, 10n ** BigInt(d.scale));
};
/** |a - b| <= tolerance, all rationals. */
const within = (a: Rational, b: Rational, tolerance: Rational) => {
  const diff = abs(sub(a, b));
  return diff.n * tolerance.d <= tolerance.n * diff.d;
};

const fillArb = (sizePrecision: number, pricePrecision: number) =>
  fc.record({
    side: fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'),
    quantity: fc
      .integer({ min: 1, max: 5000 })
      .map((u) => Decimal.fromUnits(BigInt(u), sizePrecision).toString()),
    price: fc
      .integer({ min: 1, max: 2_000_000 })
      .map((u) => Decimal.fromUnits(BigInt(u), pricePrecision).toString()),
    commission: fc.integer({ min: 0, max: 500 }).map((u) => Decimal.fromUnits(BigInt(u), 4).toString()),
  });

describe('position and PnL math', () => {
  it('agrees with an exact rational model on random fill sequences', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (pricePrecision, sizePrecision, count, seed) => {
          const fills = fc.sample(
            fc.array(fillArb(sizePrecision, pricePrecision), { minLength: count, maxLength: count }),
            {
              seed,
              numRuns: 1,
            },
          )[0] as Array<{ side: 'BUY' | 'SELL'; quantity: string; price: string; commission: string }>;
          let position = flatPosition('X.SIM');
          let q = r(0n);
          let avg = r(0n);
          let realized = r(0n);
          let commissions = r(0n);
          for (const fill of fills) {
            position = applyFill(position, fill, pricePrecision);
            const qty = ofDecimal(fill.quantity);
            const price = ofDecimal(fill.price);
            const signed = fill.side === 'BUY' ? qty : r(-qty.n, qty.d);
            if (sign(q) === 0 || sign(q) === sign(signed)) {
              const next = add(q, signed);
              avg = div(add(mul(avg, abs(q)), mul(price, qty)), abs(next));
              q = next;
            } else {
              const closed = sign(sub(qty, abs(q))) < 0 ? qty : abs(q);
              realized = add(realized, mul(sign(q) > 0 ? sub(price, avg) : sub(avg, price), closed));
              const next = add(q, signed);
              if (sign(next) === 0) avg = r(0n);
              else if (sign(next) !== sign(q)) avg = price;
              q = next;
            }
            commissions = add(commissions, ofDecimal(fill.commission));
          }
          const ulp = r(1n, 10n ** BigInt(pricePrecision + AVERAGE_EXTRA_PLACES));
          expect(within(ofDecimal(position.quantity), q, r(0n))).toBe(true);
          expect(within(ofDecimal(position.commissions), commissions, r(0n))).toBe(true);
          // The average is rounded once per fill that moves it; each rounding errs by at most half a unit, and a
          // later average carries earlier errors weighted by quantity: bounded by one unit per fill.
          expect(within(ofDecimal(position.averageOpenPrice), avg, mul(ulp, r(BigInt(fills.length))))).toBe(
            true,
          );
          // Realized PnL inherits the average's error times the quantity closed, summed over the fills.
          const totalQuantity = fills.reduce((sum, f) => add(sum, ofDecimal(f.quantity)), r(0n));
          expect(
            within(
              ofDecimal(position.realizedPnl),
              realized,
              mul(mul(ulp, r(BigInt(fills.length))), totalQuantity),
            ),
          ).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('flips from long to short at the fill price, and marks to market', () => {
    let position = flatPosition('BTCUSDT.SIM');
    position = applyFill(position, { side: 'BUY', quantity: '2', price: '100', commission: '0.1' }, 2);
    position = applyFill(position, { side: 'BUY', quantity: '1', price: '103', commission: '0.1' }, 2);
    expect(position.averageOpenPrice).toBe('101.000000000000');
    position = applyFill(position, { side: 'SELL', quantity: '5', price: '110', commission: '0.2' }, 2);
    expect(position).toMatchObject({
      quantity: '-2',
      realizedPnl: '27.000000000000',
      commissions: '0.4',
      fills: 3,
    });
    expect(position.averageOpenPrice).toBe('110.000000000000');
    expect(unrealizedPnl(position, '105').toString()).toBe('10.000000000000');
  });
});
