import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderReport } from './report-html.ts';
import type { BacktestResult } from './spec.ts';

/** The files a backtest writes into its --out directory, by what they hold. */
export const RESULT_FILES = {
  orders: 'orders.jsonl',
  fills: 'fills.jsonl',
  positions: 'positions.jsonl',
  trades: 'trades.jsonl',
  equity: 'equity.csv',
  statistics: 'statistics.json',
  report: 'report.html',
  sweep: 'sweep.md',
  sweepRows: 'sweep.jsonl',
} as const;

const jsonl = (rows: readonly unknown[]) => rows.map((row) => `${JSON.stringify(row)}\n`).join('');

/** JSON has no Infinity or NaN (a profit factor with no loss is Infinity): they are written as strings. */
export function finiteOrText(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/**
 * Writes a backtest's results. Nothing in them depends on the machine or the wall clock, so the same data,
 * strategy, parameters and seed write the same bytes.
 */
export async function writeResults(dir: string, result: BacktestResult): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const summary = {
    strategy: result.strategy,
    parameters: result.parameters,
    seed: result.seed,
    events: result.events,
    skipped: result.skipped,
    startTime: new Date(result.startTime).toISOString(),
    endTime: new Date(result.endTime).toISOString(),
    periodMs: result.periodMs,
    statistics: result.statistics,
  };
  const instruments = [...new Set(result.fills.map((fill) => fill.instrumentId))].join(', ');
  const files: Array<[string, string]> = [
    [RESULT_FILES.orders, jsonl(result.orders)],
    [RESULT_FILES.fills, jsonl(result.fills)],
    [RESULT_FILES.positions, jsonl(result.positions)],
    [RESULT_FILES.trades, jsonl(result.trades)],
    [
      RESULT_FILES.equity,
      `time,equity\n${result.equity.map((point) => `${point.time},${point.equity}\n`).join('')}`,
    ],
    [RESULT_FILES.statistics, `${JSON.stringify(summary, finiteOrText, 2)}\n`],
    [
      RESULT_FILES.report,
      renderReport({
        title: `${result.strategy}${instruments === '' ? '' : ` on ${instruments}`}`,
        parameters: result.parameters,
        statistics: result.statistics,
        equity: result.equity,
        prices: result.prices,
        fills: result.fills,
        trades: result.trades,
      }),
    ],
  ];
  for (const [name, text] of files) await writeFile(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
