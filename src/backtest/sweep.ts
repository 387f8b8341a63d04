/*
 * Parameter sweeps: `--sweep 'fast=5..20:5,slow=20..60:10'` names the values each parameter takes, and every
 * combination of them is one backtest. This module is the pure part: the grammar, the combinations, and the table
 * of results; sweep-pool.ts runs them.
 */
import { ValidationError } from '../resilience/errors.ts';
import type { BacktestStatistics } from './results.ts';

/** One swept parameter and its values, in the order they run. */
export interface SweepAxis {
  name: string;
  values: number[];
}

/** What one combination's backtest leaves for the table: its summary, not its orders, fills or curve. */
export interface SweepRow {
  /** The parameters the strategy ran with: its defaults, under the base spec's, under the combination's. */
  params: Record<string, unknown>;
  statistics: BacktestStatistics;
  events: number;
  fills: number;
  orders: number;
}

/** Beyond this a sweep is more likely a typo in a step than a plan, and would run for hours. */
export const MAX_SWEEP_COMBINATIONS = 10_000;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
const GRAMMAR = 'expected name=start..end[:step] or name=v1|v2|...';

/**
 * Comma-separated `name=start..end[:step]` (step 1 by default, end included) or `name=v1|v2|...`; numbers are
 * integers or decimals. Throws a ValidationError quoting the part at fault.
 */
export function parseSweep(expression: string): SweepAxis[] {
  if (expression.trim() === '') throw new ValidationError(`sweep expression is empty; ${GRAMMAR}`);
  const axes: SweepAxis[] = [];
  let combinations = 1;
  for (const rawPart of expression.split(',')) {
    const part = rawPart.trim();
    if (part === '') throw new ValidationError(`sweep '${expression}' has an empty parameter; ${GRAMMAR}`);
    const equals = part.indexOf('=');
    if (equals < 0) throw new ValidationError(`sweep parameter '${part}' has no '='; ${GRAMMAR}`);
    const name = part.slice(0, equals).trim();
    if (!NAME.test(name)) {
      throw new ValidationError(
        `sweep parameter name '${name}' in '${part}' is not valid: letters, digits and _, not starting with a digit`,
      );
    }
    if (axes.some((axis) => axis.name === name)) {
      throw new ValidationError(`sweep parameter '${name}' is given twice (again in '${part}')`);
    }
    const body = part.slice(equals + 1).trim();
    const values = body.includes('..') ? parseRange(body, part) : parseList(body, part);
    combinations *= values.length;
    if (combinations > MAX_SWEEP_COMBINATIONS) {
      throw tooMany(`'${expression}' makes ${combinations} combinations or more`);
    }
    axes.push({ name, values });
  }
  return axes;
}

/** `start..end[:step]`, end included when the steps land on it. */
function parseRange(body: string, part: string): number[] {
  const colon = body.indexOf(':');
  const bounds = (colon < 0 ? body : body.slice(0, colon)).split('..');
  const stepText = colon < 0 ? '1' : body.slice(colon + 1).trim();
  if (bounds.length !== 2) throw new ValidationError(`sweep range '${part}' is not start..end[:step]`);
  const [startText, endText] = bounds.map((bound) => bound.trim()) as [string, string];
  for (const text of [startText, endText, stepText]) checkNumber(text, part);
  // Stepping in binary floating point drifts (0.1 + 0.2 is not 0.3): count in integer units of the finest decimal
  // place given, and divide once per value, which rounds each to the double nearest its decimal.
  const places = Math.max(...[startText, endText, stepText].map(decimalPlaces));
  const scale = 10 ** places;
  const [start, end, step] = [startText, endText, stepText].map((text) => scaled(text, places, part)) as [
    number,
    number,
    number,
  ];
  if (step <= 0) throw new ValidationError(`sweep step '${stepText}' in '${part}' must be greater than 0`);
  if (start > end) {
    throw new ValidationError(`sweep range '${part}' starts after it ends (${startText} > ${endText})`);
  }
  const count = Math.floor((end - start) / step) + 1;
  if (count > MAX_SWEEP_COMBINATIONS) throw tooMany(`range '${part}' has ${count} values`);
  return Array.from({ length: count }, (_, index) => (start + index * step) / scale);
}

function parseList(body: string, part: string): number[] {
  const values: number[] = [];
  for (const rawItem of body.split('|')) {
    const item = rawItem.trim();
    checkNumber(item, part);
    const value = Number(item);
    // A repeated value would run the same backtest twice and show it twice in the table.
    if (values.includes(value))
      throw new ValidationError(`sweep value '${item}' is listed twice in '${part}'`);
    values.push(value);
  }
  return values;
}

function checkNumber(text: string, part: string): void {
  if (!NUMBER.test(text)) {
    throw new ValidationError(`sweep value '${text}' in '${part}' is not a number (like 5, -2 or 0.25)`);
  }
}

function decimalPlaces(text: string): number {
  const point = text.indexOf('.');
  return point < 0 ? 0 : text.length - point - 1;
}

/** The decimal text as an integer count of 10^-places, read from its digits so that no rounding enters. */
function scaled(text: string, places: number, part: string): number {
  const [whole = '', fraction = ''] = text.split('.');
  const value = Number(whole + fraction.padEnd(places, '0'));
  if (!Number.isSafeInteger(value)) {
    throw new ValidationError(`sweep '${part}' has too many digits to step exactly`);
  }
  return value;
}

function tooMany(what: string): ValidationError {
  return new ValidationError(`sweep ${what}; at most ${MAX_SWEEP_COMBINATIONS} combinations are allowed`);
}

/** Every combination of the axes' values, the first axis outermost (it changes slowest). */
export function sweepCombinations(axes: readonly SweepAxis[]): Array<Record<string, number>> {
  let combinations: Array<Record<string, number>> = [{}];
  for (const axis of axes) {
    combinations = combinations.flatMap((combination) =>
      axis.values.map((value) => ({ ...combination, [axis.name]: value })),
    );
  }
  return combinations;
}

export type SweepStatistic = {
  [K in keyof BacktestStatistics]: BacktestStatistics[K] extends number ? K : never;
}[keyof BacktestStatistics];

const percent = (value: number) => `${fixed(value * 100, 2)}%`;
const ratio = (value: number) => fixed(value, 3);
const amount = (value: number) => fixed(value, 2);
const count = (value: number) => fixed(value, 0);

/** How the table shows each numeric statistic; a Record, so that a statistic added to results.ts must be added here. */
const FORMATS: Record<SweepStatistic, (value: number) => string> = {
  startEquity: amount,
  endEquity: amount,
  totalReturn: percent,
  annualizedReturn: percent,
  volatility: percent,
  sharpe: ratio,
  sortino: ratio,
  maxDrawdown: percent,
  maxDrawdownDurationMs: count,
  trades: count,
  winRate: percent,
  profitFactor: ratio,
};

/** The statistics a sweep can be sorted by: those of BacktestStatistics that are numbers. */
export const SWEEP_STATISTICS = Object.keys(FORMATS) as SweepStatistic[];

/** Statistics where less is better: a sweep sorted by one of them puts its lowest first. */
const LOWER_IS_BETTER: ReadonlySet<SweepStatistic> = new Set([
  'volatility',
  'maxDrawdown',
  'maxDrawdownDurationMs',
]);

/** Best first by default. Rows whose statistic is NaN or missing go last either way: they cannot be ranked. */
export function sortRows(
  rows: readonly SweepRow[],
  statistic: SweepStatistic = 'sharpe',
  order: 'asc' | 'desc' = LOWER_IS_BETTER.has(statistic) ? 'asc' : 'desc',
): SweepRow[] {
  const direction = order === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = rankable(a.statistics[statistic]);
    const y = rankable(b.statistics[statistic]);
    if (x === undefined || y === undefined) return (x === undefined ? 1 : 0) - (y === undefined ? 1 : 0);
    return x === y ? 0 : (x < y ? -1 : 1) * direction;
  });
}

const rankable = (value: number | undefined) =>
  typeof value === 'number' && !Number.isNaN(value) ? value : undefined;

const TABLE_STATISTICS: SweepStatistic[] = ['totalReturn', 'sharpe', 'maxDrawdown', 'trades', 'winRate'];

/** A markdown table, one row per combination in the order given, padded so it also reads as plain text. */
export function formatSweepTable(
  rows: readonly SweepRow[],
  names: readonly string[],
  statistic: SweepStatistic = 'sharpe',
): string {
  const statistics = TABLE_STATISTICS.includes(statistic)
    ? TABLE_STATISTICS
    : [...TABLE_STATISTICS, statistic];
  const header = [...names, ...statistics];
  const body = rows.map((row) => [
    ...names.map((name) => formatParam(row.params[name])),
    ...statistics.map((key) => formatStatistic(key, row.statistics[key])),
  ]);
  const widths = header.map((title, column) =>
    Math.max(3, title.length, ...body.map((cells) => (cells[column] ?? '').length)),
  );
  // Parameters read left to right as labels; numbers align on the right so that their digits line up.
  const right = header.map((_, column) => column >= names.length);
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => (right[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (right[column] ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

function formatStatistic(key: SweepStatistic, value: number | undefined): string {
  if (typeof value !== 'number' || Number.isNaN(value)) return 'n/a';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return FORMATS[key](value);
}

function formatParam(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  return text.replaceAll('|', '\\|');
}

/** toFixed is exact and locale-free; only its "-0.00" for a tiny negative is dropped, as it reads as a loss. */
function fixed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}
