import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { AnyBench, Bench, Figures } from './lib/harness.ts';
import { htmlReport } from './lib/html-report.ts';
import { machineInfo } from './lib/machine.ts';
import {
  compareRuns,
  type FigureResult,
  markdownTable,
  NotARunResult,
  parseRunResult,
  type RunResult,
  type SeriesResult,
  type TargetResult,
} from './lib/report.ts';
import { summarize } from './lib/stats.ts';
import { askBench } from './suites/ask.ts';
import { backtestEventsBench, backtestSweepBench } from './suites/backtest.ts';
import { fillMathBench } from './suites/fill-math.ts';
import { journalBench } from './suites/journal.ts';
import { memoryBench } from './suites/memory.ts';
import { ordersBench } from './suites/orders.ts';
import { otelSpanBench } from './suites/otel-span.ts';
import { recoveryBench } from './suites/recovery.ts';
import { restartBench } from './suites/restart.ts';
import { soakBench } from './suites/soak.ts';
import { throughputBench } from './suites/throughput.ts';
import { tickToOrder1kBench, tickToOrder10kBench } from './suites/tick-to-order.ts';
import { tracingOrdersBench, tracingTickToOrderBench } from './suites/tracing.ts';

/*
 * `npm run bench [-- --only NAME] [-- --quick] [-- --compare OLD.json]`: every benchmark beside its baseline,
 * interleaved in the same run. Targets are reported PASS/FAIL but never change the exit code: a shared 2-core
 * machine is too noisy for figures to gate anything.
 */
const benches: AnyBench[] = [
  throughputBench,
  askBench,
  restartBench,
  ordersBench,
  fillMathBench,
  tickToOrder1kBench,
  tickToOrder10kBench,
  journalBench,
  recoveryBench,
  tracingOrdersBench,
  tracingTickToOrderBench,
  otelSpanBench,
  backtestEventsBench,
  backtestSweepBench,
  memoryBench,
  soakBench,
] as AnyBench[];

function parse() {
  try {
    return parseArgs({
      options: { only: { type: 'string' }, quick: { type: 'boolean' }, compare: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    process.stderr.write(
      `${(error as Error).message}\nusage: npm run bench [-- --only NAME] [-- --quick] [-- --compare OLD.json]\n`,
    );
    process.exit(2);
  }
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

/**
 * The earlier run `--compare` names, read and checked before anything runs: a file of another format (or none)
 * ends the run with exit 2 and says what is wrong with it.
 */
function readPrevious(file: string): RunResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`--compare: cannot read ${file}: ${(error as Error).message}\n`);
    process.exit(2);
  }
  try {
    return parseRunResult(text);
  } catch (error) {
    if (!(error instanceof NotARunResult)) throw error;
    process.stderr.write(
      `${file} is not a bench result: ${error.message} (--compare expects a bench/results/*.json of npm run bench)\n`,
    );
    process.exit(2);
  }
}

async function runBench(
  bench: Bench<unknown>,
  quick: boolean,
): Promise<{ figures: FigureResult[]; targets: TargetResult[]; series: SeriesResult[] }> {
  const reps = bench.repetitions ?? (quick ? 3 : 7);
  progress(`[${bench.name}] setting up`);
  const context = await bench.setup(quick);
  const collected = new Map<string, Figures[]>();
  let series: SeriesResult[] = [];
  try {
    for (const [variant, run] of Object.entries(bench.variants)) {
      collected.set(variant, []);
      if (bench.warmUp === false) continue;
      progress(`[${bench.name}] warm-up ${variant}`);
      await run(context);
    }
    for (let rep = 1; rep <= reps; rep += 1) {
      for (const [variant, run] of Object.entries(bench.variants)) {
        progress(`[${bench.name}] rep ${rep}/${reps} ${variant}`);
        collected.get(variant)?.push(await run(context));
      }
    }
    series = (bench.series?.(context) ?? []).map((line) => ({ bench: bench.name, ...line }));
  } finally {
    await bench.teardown(context);
  }
  const figures: FigureResult[] = [];
  for (const [variant, runs] of collected) {
    for (const [metric, info] of Object.entries(bench.metrics)) {
      const values = runs
        .map((figuresOfRep) => figuresOfRep[metric])
        .filter((v): v is number => v !== undefined);
      if (values.length === 0) continue;
      figures.push({
        bench: bench.name,
        variant,
        metric,
        unit: info.unit,
        better: info.better,
        baseline: variant === bench.baseline,
        summary: summarize(values),
        ratio: Number.NaN,
        ...(info.chart === false ? { chart: false } : {}),
      });
    }
  }
  for (const figure of figures) {
    if (bench.metrics[figure.metric]?.ratio === false) continue;
    const base = figures.find((f) => f.baseline && f.metric === figure.metric);
    // No ratio to a baseline of 0: it would read as infinitely worse (or better).
    figure.ratio =
      base && base.summary.median !== 0 ? figure.summary.median / base.summary.median : Number.NaN;
  }
  const targets = (bench.targets ?? []).map((target) => {
    const value = figures.find((f) => f.variant === target.variant && f.metric === target.metric)?.summary
      .median;
    const baseline = figures.find(
      (f) =>
        (target.against === undefined ? f.baseline : f.variant === target.against) &&
        f.metric === target.metric,
    )?.summary.median;
    // A target on the value alone (the soak's) needs no baseline figure: a check that compares with a missing
    // one compares with NaN, and fails.
    return {
      bench: bench.name,
      description: target.description,
      value: value ?? Number.NaN,
      baseline: baseline ?? Number.NaN,
      pass: value !== undefined && target.check(value, baseline ?? Number.NaN),
    };
  });
  return { figures, targets, series };
}

async function main(): Promise<void> {
  const options = parse();
  // The restart benchmark crashes actors on purpose: their warnings would bury the progress lines.
  process.env.FOXTROT_LOG_LEVEL ??= 'error';
  const selected = options.only ? benches.filter((b) => b.name === options.only) : benches;
  if (selected.length === 0) {
    process.stderr.write(
      `no benchmark named '${options.only}'; there are: ${benches.map((b) => b.name).join(', ')}\n`,
    );
    process.exit(2);
  }
  const previous = options.compare === undefined ? undefined : readPrevious(options.compare);
  const result: RunResult = {
    startedAt: new Date().toISOString(),
    quick: options.quick ?? false,
    machine: machineInfo(),
    benches: selected.map((b) => ({ name: b.name, description: b.description, baseline: b.baseline })),
    figures: [],
    targets: [],
  };
  const series: SeriesResult[] = [];
  for (const bench of selected) {
    const ran = await runBench(bench as Bench<unknown>, result.quick);
    result.figures.push(...ran.figures);
    result.targets.push(...ran.targets);
    series.push(...ran.series);
  }
  if (series.length > 0) result.series = series;
  const directory = new URL('../../bench/results/', import.meta.url);
  mkdirSync(directory, { recursive: true });
  const stem = result.startedAt.replaceAll(':', '-');
  const file = new URL(`${stem}.json`, directory);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  const html = new URL(`${stem}.html`, directory);
  writeFileSync(
    html,
    htmlReport(result, previous && options.compare ? { file: options.compare, run: previous } : undefined),
  );
  process.stdout.write(`\n${markdownTable(result)}\n\nresults: ${file.pathname}\n`);
  if (previous) process.stdout.write(`\nagainst ${options.compare}:\n\n${compareRuns(previous, result)}\n`);
  process.stdout.write(`\nreport: ${html.pathname}\n`);
}

await main();
