import type { Metric, Series } from './harness.ts';
import type { MachineInfo } from './machine.ts';
import type { Summary } from './stats.ts';

export interface FigureResult {
  bench: string;
  variant: string;
  metric: string;
  unit: string;
  better: Metric['better'];
  baseline: boolean;
  summary: Summary;
  /** This variant's median over the baseline variant's median of the same metric, from the same run. */
  ratio: number;
  /** False when the metric is for the tables only (no bar chart in the HTML report). */
  chart?: boolean;
}

export interface TargetResult {
  bench: string;
  description: string;
  value: number;
  baseline: number;
  pass: boolean;
}

export interface SeriesResult extends Series {
  bench: string;
}

export interface RunResult {
  startedAt: string;
  quick: boolean;
  machine: MachineInfo;
  figures: FigureResult[];
  targets: TargetResult[];
  /** What each benchmark of the run measures (for the HTML report); absent in older results. */
  benches?: { name: string; description: string; baseline: string }[];
  /** Lines over time some benchmarks record (the soak's RSS); absent in runs that have none. */
  series?: SeriesResult[];
}

/** Why a file is not a bench result of this format: thrown by `parseRunResult`. */
export class NotARunResult extends Error {}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function field(
  object: Json,
  key: string,
  where: string,
  kind: string,
  ok: (value: unknown) => boolean,
): void {
  if (!(key in object)) throw new NotARunResult(`${where}${key} is missing`);
  if (!ok(object[key])) {
    throw new NotARunResult(
      `${where}${key} should be ${kind}, got ${JSON.stringify(object[key])?.slice(0, 60)}`,
    );
  }
}

const str = (v: unknown) => typeof v === 'string';
const bool = (v: unknown) => typeof v === 'boolean';
// NaN (a ratio with no baseline, a target not measured) is written to JSON as null.
const num = (v: unknown) => typeof v === 'number' || v === null;

/**
 * Reads a results file written by `npm run bench` (this format: `RunResult`), checking every field that
 * `--compare` reads, so that another file is refused with the first thing that does not fit rather than
 * crashing or comparing nothing.
 */
export function parseRunResult(text: string): RunResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new NotARunResult(`not JSON (${(error as Error).message.replace(/\s+/g, ' ')})`);
  }
  if (!isObject(data))
    throw new NotARunResult(`a JSON ${Array.isArray(data) ? 'array' : typeof data}, not an object`);
  field(data, 'startedAt', '', 'a string', str);
  field(data, 'quick', '', 'true or false', bool);
  field(data, 'machine', '', 'an object', isObject);
  field(data.machine as Json, 'node', 'machine.', 'a string', str);
  field(data, 'figures', '', 'an array', Array.isArray);
  field(data, 'targets', '', 'an array', Array.isArray);
  (data.figures as unknown[]).forEach((figure, i) => {
    const where = `figures[${i}].`;
    if (!isObject(figure)) throw new NotARunResult(`figures[${i}] should be an object`);
    for (const key of ['bench', 'variant', 'metric', 'unit']) field(figure, key, where, 'a string', str);
    field(figure, 'better', where, "'higher' or 'lower'", (v) => v === 'higher' || v === 'lower');
    field(figure, 'baseline', where, 'true or false', bool);
    field(figure, 'ratio', where, 'a number', num);
    field(figure, 'summary', where, 'an object', isObject);
    for (const key of ['median', 'min', 'max'])
      field(figure.summary as Json, key, `${where}summary.`, 'a number', num);
    field(
      figure.summary as Json,
      'reps',
      `${where}summary.`,
      'an array of numbers',
      (v) => Array.isArray(v) && v.every(num),
    );
  });
  (data.targets as unknown[]).forEach((target, i) => {
    const where = `targets[${i}].`;
    if (!isObject(target)) throw new NotARunResult(`targets[${i}] should be an object`);
    field(target, 'bench', where, 'a string', str);
    field(target, 'description', where, 'a string', str);
    field(target, 'pass', where, 'true or false', bool);
  });
  if ('series' in data && !Array.isArray(data.series)) throw new NotARunResult('series should be an array');
  return data as unknown as RunResult;
}

const fmt = (value: number): string => {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100_000) return `${(value / 1e6).toFixed(3)} M`;
  if (Math.abs(value) >= 100) return value.toFixed(0);
  return value.toFixed(2);
};

export function markdownTable(result: RunResult): string {
  const lines = [
    '| bench | variant | metric | median | min .. max | ratio to baseline |',
    '| --- | --- | --- | ---: | ---: | ---: |',
  ];
  for (const f of result.figures) {
    const variant = f.baseline ? `${f.variant} (baseline)` : f.variant;
    lines.push(
      `| ${f.bench} | ${variant} | ${f.metric} (${f.unit}) | ${fmt(f.summary.median)} | ` +
        `${fmt(f.summary.min)} .. ${fmt(f.summary.max)} | ${Number.isFinite(f.ratio) ? `${f.ratio.toFixed(2)}x` : '–'} |`,
    );
  }
  if (result.targets.length > 0) {
    lines.push('', '| target | value | baseline | result |', '| --- | ---: | ---: | --- |');
    for (const t of result.targets) {
      lines.push(`| ${t.description} | ${fmt(t.value)} | ${fmt(t.baseline)} | ${t.pass ? 'PASS' : 'FAIL'} |`);
    }
  }
  return lines.join('\n');
}

/** A figure of this run beside the same figure of an earlier one: the change of its median, in percent. */
export interface FigureChange {
  figure: FigureResult;
  old: FigureResult;
  /** NaN or infinite for a change from 0, or to or from a figure that was not measured. */
  change: number;
  worse: boolean;
}

export function changesOf(previous: RunResult, current: RunResult): FigureChange[] {
  const changes: FigureChange[] = [];
  for (const figure of current.figures) {
    const old = previous.figures.find(
      (p) => p.bench === figure.bench && p.variant === figure.variant && p.metric === figure.metric,
    );
    if (old === undefined) continue;
    const change = (figure.summary.median / old.summary.median - 1) * 100;
    changes.push({ figure, old, change, worse: figure.better === 'higher' ? change < 0 : change > 0 });
  }
  return changes;
}

export function compareRuns(previous: RunResult, current: RunResult): string {
  const lines = [
    '| bench | variant | metric | before | now | change |',
    '| --- | --- | --- | ---: | ---: | ---: |',
  ];
  for (const { figure: f, old, change, worse } of changesOf(previous, current)) {
    const text = Number.isFinite(change)
      ? `${change >= 0 ? '+' : ''}${change.toFixed(1)}%${worse && Math.abs(change) > 10 ? ' (worse)' : ''}`
      : '–';
    lines.push(
      `| ${f.bench} | ${f.variant} | ${f.metric} | ${fmt(old.summary.median)} | ${fmt(f.summary.median)} | ${text} |`,
    );
  }
  if (lines.length === 2) return '(no figure of this run is in the earlier one: different benchmarks)';
  return lines.join('\n');
}
