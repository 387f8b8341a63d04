import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStrategy, loadStrategyFactory } from '../../actors/strategy-host/load-strategy.ts';
import { loadConfig } from '../node/config.ts';
import { describeError, ValidationError } from '../resilience/errors.ts';
import { lastTimestamp } from './data-span.ts';
import { runBacktest, strategyParams } from './engine.ts';
import { replayProgress, sweepProgress } from './progress-bar.ts';
import { formatNumber, formatPercent } from './report-html.ts';
import type { BacktestResult, BacktestSpec } from './spec.ts';
import {
  formatSweepTable,
  parseSweep,
  SWEEP_STATISTICS,
  type SweepStatistic,
  sortRows,
  sweepCombinations,
} from './sweep.ts';
import { runSweep } from './sweep-pool.ts';
import { finiteOrText, RESULT_FILES, writeResults } from './write-results.ts';

/** `foxtrot backtest`'s flags, as commander parsed them. */
export interface BacktestOptions {
  config?: string;
  data: string[];
  strategy: string;
  params?: Record<string, unknown>;
  from?: number;
  to?: number;
  out: string;
  seed?: number;
  skipBadLines?: boolean;
  sweep?: string;
  sort: string;
  threads?: number;
}

function specOf(options: BacktestOptions): BacktestSpec {
  if (options.from !== undefined && options.to !== undefined && options.from > options.to) {
    throw new ValidationError(
      `--from (${new Date(options.from).toISOString()}) is after --to (${new Date(options.to).toISOString()})`,
    );
  }
  return {
    data: options.data,
    strategy: options.strategy,
    ...(options.config === undefined ? {} : { config: loadConfig(options.config, {}) }),
    ...(options.params === undefined ? {} : { params: options.params }),
    ...(options.from === undefined ? {} : { from: options.from }),
    ...(options.to === undefined ? {} : { to: options.to }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.skipBadLines ? { skipBadLines: true } : {}),
  };
}

const ratio = (value: number) => formatNumber(value, 3);

function summaryLines(result: BacktestResult, files: string[]): string[] {
  const s = result.statistics;
  const skipped = Object.entries(result.skipped).map(([file, count]) => `${count} in ${file}`);
  return [
    `${result.events} events from ${new Date(result.startTime).toISOString()} to ${new Date(result.endTime).toISOString()}` +
      (skipped.length > 0 ? `; skipped bad lines: ${skipped.join(', ')}` : ''),
    `orders ${result.orders.length}, fills ${result.fills.length}, round trips ${s.trades}`,
    `return ${formatPercent(s.totalReturn)} (annualized ${formatPercent(s.annualizedReturn)}), volatility ${formatPercent(s.volatility)}`,
    `sharpe ${ratio(s.sharpe)}, sortino ${ratio(s.sortino)}, max drawdown ${formatPercent(s.maxDrawdown)}`,
    `win rate ${formatPercent(s.winRate)}, profit factor ${ratio(s.profitFactor)}, fees ${s.fees}, turnover ${s.turnover}`,
    ...files.map((file) => `wrote ${file}`),
  ];
}

async function single(spec: BacktestSpec, out: string): Promise<number> {
  const ends = await Promise.all(spec.data.map(lastTimestamp));
  const known = ends.filter((end): end is number => end !== undefined);
  const dataEnd = known.length === ends.length ? Math.max(...known) : undefined;
  const progress = replayProgress(
    spec.to !== undefined && dataEnd !== undefined ? Math.min(spec.to, dataEnd) : dataEnd,
  );
  let result: BacktestResult;
  try {
    result = await runBacktest(spec, { onProgress: (p) => progress.update(p) });
    progress.finish();
  } finally {
    progress.stop();
  }
  const files = await writeResults(out, result);
  process.stdout.write(`${summaryLines(result, files).join('\n')}\n`);
  return 0;
}

async function sweep(spec: BacktestSpec, options: BacktestOptions): Promise<number> {
  if (!(SWEEP_STATISTICS as string[]).includes(options.sort)) {
    throw new ValidationError(
      `--sort ${options.sort} is not a statistic: one of ${SWEEP_STATISTICS.join(', ')}`,
    );
  }
  const axes = parseSweep(options.sweep as string);
  const factory = await loadStrategyFactory(spec.strategy);
  // Combinations the strategy refuses (fast not shorter than slow) are left out and listed, not run.
  const refused: string[] = [];
  const combinations = sweepCombinations(axes).filter((combination) => {
    try {
      createStrategy(
        spec.strategy,
        factory,
        strategyParams({ ...spec, params: { ...spec.params, ...combination } }),
      );
      return true;
    } catch (error) {
      refused.push(describeError(error));
      return false;
    }
  });
  for (const reason of refused) process.stderr.write(`skipped: ${reason}\n`);
  if (combinations.length === 0) {
    throw new ValidationError(`the strategy refuses every combination of --sweep ${options.sweep}`);
  }
  const progress = sweepProgress(combinations.length);
  let rows: Awaited<ReturnType<typeof runSweep>>;
  try {
    rows = await runSweep(spec, combinations, {
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      onDone: (done) => progress.update(done),
    });
  } finally {
    progress.stop();
  }
  const sorted = sortRows(rows, options.sort as SweepStatistic);
  const names = axes.map((axis) => axis.name);
  const table = formatSweepTable(sorted, names, options.sort as SweepStatistic);
  await writeFile(join(options.out, RESULT_FILES.sweep), `${table}\n`);
  await writeFile(
    join(options.out, RESULT_FILES.sweepRows),
    sorted.map((row) => `${JSON.stringify(row, finiteOrText)}\n`).join(''),
  );
  process.stdout.write(
    `${table}\nwrote ${join(options.out, RESULT_FILES.sweep)}\nwrote ${join(options.out, RESULT_FILES.sweepRows)}\n`,
  );
  return 0;
}

/** `foxtrot backtest`: one backtest into --out, or with --sweep one per combination on a worker pool. */
export async function backtestCommand(options: BacktestOptions): Promise<number> {
  try {
    const spec = specOf(options);
    if (options.sweep === undefined) return await single(spec, options.out);
    await mkdir(options.out, { recursive: true });
    return await sweep(spec, options);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    process.stderr.write(`foxtrot backtest: ${error.message}\n`);
    return 2;
  }
}
