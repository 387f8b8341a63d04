import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { describeError, FoxtrotError, ValidationError } from '../resilience/errors.ts';
import type { BacktestSpec } from './spec.ts';
import type { SweepRow } from './sweep.ts';

export interface SweepOptions {
  /** Worker threads; every core by default, and never more than there are combinations. */
  threads?: number;
  /** Called as each combination finishes, for the progress bar. */
  onDone?: (done: number, total: number) => void;
}

/**
 * Runs every combination (see sweepCombinations) as one backtest of `base`, on a pool of worker threads. The rows
 * come back in combination order; the first failure rejects the sweep and stops the rest.
 */
export async function runSweep(
  base: BacktestSpec,
  combinations: ReadonlyArray<Record<string, number>>,
  options: SweepOptions = {},
): Promise<SweepRow[]> {
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads > 0)) {
    throw new ValidationError(`sweep threads must be a positive integer, not ${options.threads}`);
  }
  if (combinations.length === 0) return [];
  const threads = Math.min(options.threads ?? availableParallelism(), combinations.length);
  const pool = new Piscina<{ spec: BacktestSpec }, SweepRow>({
    filename: new URL('./sweep-worker.mjs', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
  });
  // A worker that fails while it holds no task has none to reject: piscina emits the pool's 'error' instead (an
  // uncaught throw without a listener), and after a failed start it starts no replacement, so the queue would hang.
  const broken = new Promise<never>((_, reject) => {
    pool.on('error', (error) =>
      reject(
        new FoxtrotError('SWEEP_FAILED', `sweep worker failed: ${describeError(error)}`, { cause: error }),
      ),
    );
  });
  let done = 0;
  let failed = false;
  const run = async (combination: Record<string, number>): Promise<SweepRow> => {
    let row: SweepRow;
    try {
      row = await pool.run({ spec: { ...base, params: { ...base.params, ...combination } } });
    } catch (error) {
      failed = true;
      const message = `sweep backtest with ${describe(combination)} failed: ${describeError(error)}`;
      throw new FoxtrotError('SWEEP_FAILED', message, { context: { combination }, cause: error });
    }
    // Once one has failed the sweep is over: the rest are cut short, and progress would only confuse the report.
    if (!failed) options.onDone?.(++done, combinations.length);
    return row;
  };
  try {
    return await Promise.race([Promise.all(combinations.map(run)), broken]);
  } finally {
    await pool.destroy();
  }
}

function describe(combination: Record<string, number>): string {
  const entries = Object.entries(combination);
  return entries.length === 0
    ? 'the base parameters'
    : entries.map(([name, value]) => `${name}=${value}`).join(', ');
}
