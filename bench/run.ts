import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { AnyBench, Bench, Figures } from './lib/harness.ts';
import { machineInfo } from './lib/machine.ts';
import {
  compareRuns,
  type FigureResult,
  markdownTable,
  type RunResult,
  type TargetResult,
} from './lib/report.ts';
import { summarize } from './lib/stats.ts';
import { askBench } from './suites/ask.ts';
import { backtestEventsBench, backtestSweepBench } from './suites/backtest.ts';
import { fillMathBench } from './suites/fill-math.ts';
import { journalBench } from './suites/journal.ts';
import { ordersBench } from './suites/orders.ts';
import { recoveryBench } from './suites/recovery.ts';
import { restartBench } from './suites/restart.ts';
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
  backtestEventsBench,
  backtestSweepBench,
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

async function runBench(
  bench: Bench<unknown>,
  quick: boolean,
): Promise<{ figures: FigureResult[]; targets: TargetResult[] }> {
  const reps = quick ? 3 : 7;
  progress(`[${bench.name}] setting up`);
  const context = await bench.setup(quick);
  const collected = new Map<string, Figures[]>();
  try {
    for (const [variant, run] of Object.entries(bench.variants)) {
      progress(`[${bench.name}] warm-up ${variant}`);
      await run(context);
      collected.set(variant, []);
    }
    for (let rep = 1; rep <= reps; rep += 1) {
      for (const [variant, run] of Object.entries(bench.variants)) {
        progress(`[${bench.name}] rep ${rep}/${reps} ${variant}`);
        collected.get(variant)?.push(await run(context));
      }
    }
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
      });
    }
  }
  for (const figure of figures) {
    const base = figures.find((f) => f.baseline && f.metric === figure.metric);
    figure.ratio = base ? figure.summary.median / base.summary.median : Number.NaN;
  }
  const targets = (bench.targets ?? []).map((target) => {
    const value = figures.find((f) => f.variant === target.variant && f.metric === target.metric)?.summary
      .median;
    const baseline = figures.find(
      (f) =>
        (target.against === undefined ? f.baseline : f.variant === target.against) &&
        f.metric === target.metric,
    )?.summary.median;
    const measured = value !== undefined && baseline !== undefined;
    return {
      bench: bench.name,
      description: target.description,
      value: value ?? Number.NaN,
      baseline: baseline ?? Number.NaN,
      pass: measured && target.check(value, baseline),
    };
  });
  return { figures, targets };
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
  const previous = options.compare
    ? (JSON.parse(readFileSync(options.compare, 'utf8')) as RunResult)
    : undefined;
  const result: RunResult = {
    startedAt: new Date().toISOString(),
    quick: options.quick ?? false,
    machine: machineInfo(),
    figures: [],
    targets: [],
  };
  for (const bench of selected) {
    const { figures, targets } = await runBench(bench as Bench<unknown>, result.quick);
    result.figures.push(...figures);
    result.targets.push(...targets);
  }
  const directory = new URL('../../bench/results/', import.meta.url);
  mkdirSync(directory, { recursive: true });
  const file = new URL(`${result.startedAt.replaceAll(':', '-')}.json`, directory);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`\n${markdownTable(result)}\n\nresults: ${file.pathname}\n`);
  if (previous) process.stdout.write(`\nagainst ${options.compare}:\n\n${compareRuns(previous, result)}\n`);
}

await main();
