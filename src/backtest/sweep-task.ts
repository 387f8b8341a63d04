import type { BacktestSpec } from './spec.ts';
import type { SweepRow } from './sweep.ts';

/**
 * One combination of a sweep, in a pool worker (loaded through sweep-worker.mjs). It returns the summary only:
 * the result's orders, fills and curve would be cloned back to the main thread for nothing.
 */
export default async function runSweepTask({ spec }: { spec: BacktestSpec }): Promise<SweepRow> {
  // Loaded in the first task rather than as the worker starts, so that an engine that fails to load rejects a
  // task, which names its combination, rather than the worker's start, which piscina may report to no task.
  const { runBacktest } = await import('./engine.ts');
  const result = await runBacktest(spec);
  return {
    params: result.parameters,
    statistics: result.statistics,
    events: result.events,
    fills: result.fills.length,
    orders: result.orders.length,
  };
}
