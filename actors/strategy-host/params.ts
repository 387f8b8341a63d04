import { Decimal } from '../../src/domain/decimal.ts';
import { parseInstrumentId } from '../../src/domain/identifiers.ts';
import { ValidationError } from '../../src/resilience/errors.ts';

/**
 * Reads a strategy's params. Every error names the strategy and the param; `done` refuses params that nothing
 * read, so that a misspelt name fails the start instead of silently leaving a default in place.
 */
export class StrategyParams {
  private readonly seen = new Set<string>();

  constructor(
    private readonly strategy: string,
    private readonly params: Readonly<Record<string, unknown>>,
  ) {
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      throw new ValidationError(`${strategy}: params must be an object`, { strategy });
    }
  }

  instrumentId(name = 'instrumentId'): string {
    const value = this.value(name);
    if (typeof value !== 'string') this.fail(name, 'is required (an instrument id like BTCUSDT.SIM)');
    try {
      return parseInstrumentId(value).value;
    } catch (error) {
      this.fail(name, (error as Error).message);
    }
  }

  /** A positive decimal, given as decimal text or, from a config file, as a number. */
  positiveDecimal(name: string): Decimal {
    const value = this.value(name);
    if (typeof value !== 'string' && typeof value !== 'number') {
      this.fail(name, 'is required (a positive decimal number)');
    }
    let parsed: Decimal;
    try {
      parsed = Decimal.parse(String(value), name);
    } catch (error) {
      this.fail(name, (error as Error).message);
    }
    if (parsed.sign <= 0) this.fail(name, `must be positive (got ${value})`);
    return parsed;
  }

  integer(name: string, minimum: number, fallback?: number): number {
    const value = this.value(name) ?? fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
      this.fail(name, `must be an integer of at least ${minimum} (got ${JSON.stringify(value)})`);
    }
    return value;
  }

  done(): void {
    const unknown = Object.keys(this.params).filter((name) => !this.seen.has(name));
    if (unknown.length > 0) {
      throw new ValidationError(
        `${this.strategy}: unknown param${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (takes ${[...this.seen].join(', ')})`,
        { strategy: this.strategy },
      );
    }
  }

  private value(name: string): unknown {
    this.seen.add(name);
    return this.params[name];
  }

  private fail(name: string, problem: string): never {
    throw new ValidationError(`${this.strategy}: param '${name}' ${problem}`, {
      strategy: this.strategy,
      param: name,
    });
  }
}
