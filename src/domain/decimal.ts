import { ValidationError } from '../resilience/errors.ts';

export type Rounding = 'HALF_EVEN' | 'HALF_UP' | 'DOWN' | 'UP';

const DECIMAL_TEXT = /^-?(0|[1-9]\d*)(\.\d+)?$/;
const MAX_SCALE = 30;

const pow10Cache: bigint[] = [];
function pow10(n: number): bigint {
  let value = pow10Cache[n];
  if (value === undefined) {
    value = 10n ** BigInt(n);
    pow10Cache[n] = value;
  }
  return value;
}

/** Divides with the given rounding; both operands are integers, the divisor non-zero. */
function divideRounded(numerator: bigint, denominator: bigint, rounding: Rounding): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let quotient = n / d;
  const remainder = n % d;
  if (remainder !== 0n) {
    const twice = remainder * 2n;
    const roundAway =
      rounding === 'UP' ||
      (rounding === 'HALF_UP' && twice >= d) ||
      (rounding === 'HALF_EVEN' && (twice > d || (twice === d && quotient % 2n === 1n)));
    if (roundAway) quotient += 1n;
  }
  return negative ? -quotient : quotient;
}

/**
 * An exact decimal: an integer number of units of 10^-scale. Prices, quantities, notionals and PnL are Decimals,
 * never binary floats. Addition and multiplication are exact; division and rescaling round explicitly.
 * Decimals cross thread boundaries as their canonical text (`toString`), never as numbers.
 */
export class Decimal {
  private constructor(
    readonly units: bigint,
    readonly scale: number,
  ) {}

  static fromUnits(units: bigint, scale: number): Decimal {
    if (!Number.isInteger(scale) || scale < 0 || scale > MAX_SCALE) {
      throw new ValidationError(`decimal scale ${scale} is not an integer from 0 to ${MAX_SCALE}`);
    }
    return new Decimal(units, scale);
  }

  static zero(scale = 0): Decimal {
    return new Decimal(0n, scale);
  }

  static of(value: bigint | number): Decimal {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new ValidationError(`Decimal.of takes integers only (got ${value}); parse decimal text instead`);
    }
    return new Decimal(BigInt(value), 0);
  }

  /** Parses canonical decimal text (`-12.340`); `what` names the field in the error. */
  static parse(text: string, what = 'value'): Decimal {
    if (typeof text !== 'string' || !DECIMAL_TEXT.test(text)) {
      throw new ValidationError(`${what}: ${JSON.stringify(text)} is not a decimal number (like 12.5)`, {
        what,
      });
    }
    const negative = text.startsWith('-');
    const body = negative ? text.slice(1) : text;
    const point = body.indexOf('.');
    const scale = point === -1 ? 0 : body.length - point - 1;
    if (scale > MAX_SCALE)
      throw new ValidationError(`${what}: more than ${MAX_SCALE} decimal places`, { what });
    const digits = point === -1 ? body : body.slice(0, point) + body.slice(point + 1);
    const units = BigInt(digits);
    return new Decimal(negative ? -units : units, scale);
  }

  /** Whether the value needs more decimal places than `scale` (trailing zeros do not count). */
  exceedsScale(scale: number): boolean {
    if (this.scale <= scale) return false;
    return this.units % pow10(this.scale - scale) !== 0n;
  }

  /** The same value at `scale` decimal places, rounded if that loses digits. */
  rescale(scale: number, rounding: Rounding = 'HALF_EVEN'): Decimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new Decimal(this.units * pow10(scale - this.scale), scale);
    return new Decimal(divideRounded(this.units, pow10(this.scale - scale), rounding), scale);
  }

  add(other: Decimal): Decimal {
    if (this.scale === other.scale) return new Decimal(this.units + other.units, this.scale);
    const scale = Math.max(this.scale, other.scale);
    return new Decimal(this.rescale(scale).units + other.rescale(scale).units, scale);
  }

  sub(other: Decimal): Decimal {
    return this.add(other.neg());
  }

  mul(other: Decimal): Decimal {
    return new Decimal(this.units * other.units, this.scale + other.scale);
  }

  /** This divided by `other`, to `scale` decimal places. */
  div(other: Decimal, scale: number, rounding: Rounding = 'HALF_EVEN'): Decimal {
    if (other.units === 0n) throw new ValidationError('division by zero');
    // this / other = (u1 / 10^s1) / (u2 / 10^s2); scaled to 10^scale: u1 * 10^(scale + s2 - s1) / u2.
    const shift = scale + other.scale - this.scale;
    const numerator = shift >= 0 ? this.units * pow10(shift) : this.units;
    const denominator = shift >= 0 ? other.units : other.units * pow10(-shift);
    return new Decimal(divideRounded(numerator, denominator, rounding), scale);
  }

  neg(): Decimal {
    return new Decimal(-this.units, this.scale);
  }

  abs(): Decimal {
    return this.units < 0n ? this.neg() : this;
  }

  cmp(other: Decimal): -1 | 0 | 1 {
    const scale = Math.max(this.scale, other.scale);
    const a = this.rescale(scale).units;
    const b = other.rescale(scale).units;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  eq(other: Decimal): boolean {
    return this.cmp(other) === 0;
  }

  lt(other: Decimal): boolean {
    return this.cmp(other) < 0;
  }

  lte(other: Decimal): boolean {
    return this.cmp(other) <= 0;
  }

  gt(other: Decimal): boolean {
    return this.cmp(other) > 0;
  }

  gte(other: Decimal): boolean {
    return this.cmp(other) >= 0;
  }

  get sign(): -1 | 0 | 1 {
    return this.units < 0n ? -1 : this.units > 0n ? 1 : 0;
  }

  isZero(): boolean {
    return this.units === 0n;
  }

  /** Whether this is a whole multiple of `step` (a tick size, a lot size). */
  isMultipleOf(step: Decimal): boolean {
    if (step.units === 0n) return true;
    const scale = Math.max(this.scale, step.scale);
    return this.rescale(scale).units % step.rescale(scale).units === 0n;
  }

  toString(): string {
    const negative = this.units < 0n;
    const digits = (negative ? -this.units : this.units).toString().padStart(this.scale + 1, '0');
    const whole = digits.slice(0, digits.length - this.scale);
    const fraction = this.scale > 0 ? `.${digits.slice(digits.length - this.scale)}` : '';
    return `${negative ? '-' : ''}${whole}${fraction}`;
  }

  toJSON(): string {
    return this.toString();
  }
}
