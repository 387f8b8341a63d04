import type { Metric } from './harness.ts';
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
}

export interface TargetResult {
  bench: string;
  description: string;
  value: number;
  baseline: number;
  pass: boolean;
}

export interface RunResult {
  startedAt: string;
  quick: boolean;
  machine: MachineInfo;
  figures: FigureResult[];
  targets: TargetResult[];
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
        `${fmt(f.summary.min)} .. ${fmt(f.summary.max)} | ${f.ratio.toFixed(2)}x |`,
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

export function compareRuns(previous: RunResult, current: RunResult): string {
  const lines = [
    '| bench | variant | metric | before | now | change |',
    '| --- | --- | --- | ---: | ---: | ---: |',
  ];
  for (const f of current.figures) {
    const old = previous.figures.find(
      (p) => p.bench === f.bench && p.variant === f.variant && p.metric === f.metric,
    );
    if (old === undefined) continue;
    const change = (f.summary.median / old.summary.median - 1) * 100;
    const worse = f.better === 'higher' ? change < 0 : change > 0;
    lines.push(
      `| ${f.bench} | ${f.variant} | ${f.metric} | ${fmt(old.summary.median)} | ${fmt(f.summary.median)} | ` +
        `${change >= 0 ? '+' : ''}${change.toFixed(1)}%${worse && Math.abs(change) > 10 ? ' (worse)' : ''} |`,
    );
  }
  return lines.join('\n');
}
