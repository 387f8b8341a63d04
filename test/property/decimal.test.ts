import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/decimal.ts';

/* A reference model of decimals as exact rationals n / 10^s, computed with plain BigInt arithmetic. */
const decimalText = fc
  .tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 12 }))
  .map(([units, scale]) => ({ units, scale }));

const asText = ({ units, scale }: { units: bigint; scale: number }) => {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${digits.slice(digits.length - scale)}` : ''}`;
};

/** a/10^sa compared with b/10^sb, by cross-multiplying. */
const refCmp = (a: { units: bigint; scale: number }, b: { units: bigint; scale: number }) => {
  const left = a.units * 10n ** BigInt(b.scale);
  const right = b.units * 10n ** BigInt(a.scale);
  return left < right ? -1 : left > right ? 1 : 0;
};

describe('Decimal against exact rationals', () => {
  it('parses its own text back to the same value', () => {
    fc.assert(
      fc.property(decimalText, (d) => {
        const parsed = Decimal.parse(asText(d));
        expect(parsed.units).toBe(d.units);
        expect(parsed.scale).toBe(d.scale);
        expect(parsed.toString()).toBe(asText(d));
      }),
    );
  });

  it('adds, subtracts and multiplies exactly', () => {
    fc.assert(
      fc.property(decimalText, decimalText, (a, b) => {
        const x = Decimal.fromUnits(a.units, a.scale);
        const y = Decimal.fromUnits(b.units, b.scale);
        const scale = Math.max(a.scale, b.scale);
        const aUnits = a.units * 10n ** BigInt(scale - a.scale);
        const bUnits = b.units * 10n ** BigInt(scale - b.scale);
        expect(x.add(y).eq(Decimal.fromUnits(aUnits + bUnits, scale))).toBe(true);
        expect(x.sub(y).eq(Decimal.fromUnits(aUnits - bUnits, scale))).toBe(true);
        const product = x.mul(y);
        expect(product.units).toBe(a.units * b.units);
        expect(product.scale).toBe(a.scale + b.scale);
        expect(x.cmp(y)).toBe(refCmp(a, b));
      }),
    );
  });

  it('divides with half-even rounding to the requested scale', () => {
    fc.assert(
      fc.property(decimalText, decimalText, fc.integer({ min: 0, max: 12 }), (a, b, scale) => {
        fc.pre(b.units !== 0n);
        const q = Decimal.fromUnits(a.units, a.scale).div(Decimal.fromUnits(b.units, b.scale), scale);
        // Exact quotient q* = (a.u / 10^a.s) / (b.u / 10^b.s); the result r = q.units / 10^scale must satisfy
        // |q* - r| <= 1/2 ulp, with ties to even.
        const num = a.units * 10n ** BigInt(b.scale) * 10n ** BigInt(scale);
        const den = b.units * 10n ** BigInt(a.scale);
        const diffTimesDen = num - q.units * den; // (q* - r) * den * 10^scale, sign-aware below
        const absDiff2 = 2n * (diffTimesDen < 0n ? -diffTimesDen : diffTimesDen);
        const absDen = den < 0n ? -den : den;
        expect(absDiff2 <= absDen).toBe(true);
        if (absDiff2 === absDen) expect(q.units % 2n).toBe(0n);
      }),
    );
  });

  it('knows when a value needs more places than a scale, and multiples of a step', () => {
    expect(Decimal.parse('1.2300').exceedsScale(2)).toBe(false);
    expect(Decimal.parse('1.2301').exceedsScale(2)).toBe(true);
    expect(Decimal.parse('10.50').isMultipleOf(Decimal.parse('0.25'))).toBe(true);
    expect(Decimal.parse('10.51').isMultipleOf(Decimal.parse('0.25'))).toBe(false);
    expect(Decimal.parse('2.5').rescale(0).toString()).toBe('2');
    expect(Decimal.parse('3.5').rescale(0).toString()).toBe('4');
    expect(Decimal.parse('-2.5').rescale(0, 'HALF_UP').toString()).toBe('-3');
  });

  it('refuses text that is not a plain decimal', () => {
    for (const bad of ['', 'NaN', '1e5', '1.', '.5', '01', '--1', '1,5', 'Infinity', ' 1']) {
      expect(() => Decimal.parse(bad, 'price')).toThrow(/price: .* is not a decimal number/);
    }
    expect(() => Decimal.of(0.1)).toThrow(/integers only/);
  });
});
