import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';

type RandomGenerator = ReturnType<typeof xoroshiro128plusFromState>;

const SCALE = 1_000_000;

/**
 * The venue's dice for one message: a seeded generator resumed from the plain-data state kept in context, and
 * saved back by `state()` only if it was used, so that the sequence is the same run after run and across restarts.
 */
export class Chance {
  private generator: RandomGenerator | undefined;

  constructor(private readonly saved: readonly number[]) {}

  private rng(): RandomGenerator {
    this.generator ??= xoroshiro128plusFromState(this.saved);
    return this.generator;
  }

  /** True with probability `rate`; a rate of 0 or 1 draws nothing, so a fault left off does not shift the dice. */
  hits(rate: number): boolean {
    if (rate <= 0) return false;
    if (rate >= 1) return true;
    return uniformInt(this.rng(), 0, SCALE - 1) < rate * SCALE;
  }

  int(min: number, max: number): number {
    return uniformInt(this.rng(), min, max);
  }

  state(): number[] | undefined {
    return this.generator === undefined ? undefined : [...this.generator.getState()];
  }
}
