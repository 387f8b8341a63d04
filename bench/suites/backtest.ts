import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runBacktest } from '../../src/backtest/engine.ts';
import type { BacktestProgress, BacktestSpec } from '../../src/backtest/spec.ts';
import { parseSweep, type SweepRow, sweepCombinations } from '../../src/backtest/sweep.ts';
import { runSweep } from '../../src/backtest/sweep-pool.ts';
import type { InstrumentSpec } from '../../src/domain/instrument.ts';
import { DEFAULT_CONFIG } from '../../src/node/config.ts';
import { type PlainLoopOptions, type PlainLoopResult, runPlainLoop } from '../lib/backtest-plain-loop.ts';
import { defineBench } from '../lib/harness.ts';

/*
 * The backtest engine's speed: market data events replayed per second through the node's actors placed inline
 * (`runBacktest`, the simple ma-crossover strategy on the ETH trades sample) beside the same strategy and matching
 * as plain function calls in one loop; and a small parameter sweep on the pool with every core against one thread.
 */

const INSTRUMENT_ID = 'ETHUSDT.SIM';
const PARAMS = { instrumentId: INSTRUMENT_ID, barIntervalMs: 1000, fast: 5, slow: 20, size: '1.000' };
/** `--quick` replays the first half hour of the 2 h sample (about a quarter of its trades). */
const QUICK_SPAN_MS = 30 * 60_000;
/** The baseline replays the data again until this much time has passed, so that one repetition is not a cold JIT. */
const BASELINE_MIN_MS = { quick: 100, full: 300 };

/** The sample's path, from the TypeScript source (bench/suites) or from its build (dist/bench/suites). */
function samplePath(name: string): string {
  for (const up of ['../../samples/', '../../../samples/']) {
    const path = fileURLToPath(new URL(`${up}${name}`, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`sample ${name} not found: make it with scripts/generate-sample-data.ts`);
}

/** The spec both benchmarks replay: the trades sample, ended half an hour in with `--quick`. */
function backtestSpec(quick: boolean): { spec: BacktestSpec; text: string } {
  const file = samplePath('ETHUSDT.SIM-trades.jsonl');
  const text = readFileSync(file, 'utf8');
  const first = JSON.parse(text.slice(0, text.indexOf('\n'))) as { ts: number };
  const spec: BacktestSpec = { data: [file], strategy: 'ma-crossover', params: { ...PARAMS } };
  if (quick) spec.to = first.ts + QUICK_SPAN_MS;
  return { spec, text };
}

function plainOptions(spec: BacktestSpec): PlainLoopOptions {
  const instrument = DEFAULT_CONFIG.venue.instruments.find((i) => i.id === INSTRUMENT_ID) as InstrumentSpec;
  return {
    instrumentId: INSTRUMENT_ID,
    tickSize: instrument.tickSize,
    pricePrecision: instrument.pricePrecision,
    sizePrecision: instrument.sizePrecision,
    barIntervalMs: PARAMS.barIntervalMs,
    fast: PARAMS.fast,
    slow: PARAMS.slow,
    size: PARAMS.size,
    takerFee: DEFAULT_CONFIG.venue.fees.takerFee,
    ...(spec.to === undefined ? {} : { to: spec.to }),
  };
}

const say = (line: string) => process.stderr.write(`[backtest-events] ${line}\n`);

interface EventsContext {
  spec: BacktestSpec;
  /** The whole file, read once: the baseline's input. */
  text: string;
  plain: PlainLoopOptions;
  baselineMinMs: number;
  /** The baseline's result, to check that the engine trades alike (once, at its warm-up). */
  expected: PlainLoopResult;
  checked: boolean;
}

export const backtestEventsBench = defineBench<EventsContext>({
  name: 'backtest-events',
  description:
    'Market data events per second replayed by runBacktest (the node actors inline on a simulated clock, ' +
    'ma-crossover on the ETH trades sample), timed from the start of the replay loop to the end of its cool-down ' +
    '(reading the file included: the engine streams it), against the same strategy and matching rule as plain ' +
    'function calls in one loop over the file held in memory.',
  baseline: 'plain-loop',
  metrics: {
    rate: { unit: 'events/s', better: 'higher' },
    fills: { unit: 'fills', better: 'higher' },
  },
  async setup(quick) {
    const { spec, text } = backtestSpec(quick);
    const plain = plainOptions(spec);
    return {
      spec,
      text,
      plain,
      baselineMinMs: quick ? BASELINE_MIN_MS.quick : BASELINE_MIN_MS.full,
      expected: runPlainLoop(text, plain),
      checked: false,
    };
  },
  variants: {
    'plain-loop': async (c) => {
      let events = 0;
      let result: PlainLoopResult;
      const started = performance.now();
      let elapsed = 0;
      do {
        result = runPlainLoop(c.text, c.plain);
        events += result.events;
        elapsed = performance.now() - started;
      } while (elapsed < c.baselineMinMs);
      return { rate: events / (elapsed / 1000), fills: result.fills };
    },
    engine: async (c) => {
      let last: BacktestProgress | undefined;
      const called = performance.now();
      const result = await runBacktest(c.spec, {
        onProgress: (progress) => {
          last = progress;
        },
      });
      const callMs = performance.now() - called;
      // The last report is made after the cool-down: its elapsedMs is the replay loop's, without the actors'
      // start, the strategy's load, the venue's connection, the final check against the portfolio, the statistics.
      const replayMs = (last as BacktestProgress).elapsedMs;
      if (!c.checked) {
        c.checked = true;
        const position = result.positions.find((p) => p.instrumentId === INSTRUMENT_ID);
        const same =
          result.events === c.expected.events &&
          result.fills.length === c.expected.fills &&
          (position?.quantity ?? '0') === c.expected.position &&
          (position?.pnl ?? '0') === c.expected.pnl;
        say(
          `engine: ${result.events} events, ${result.fills.length} fills, position ${position?.quantity}, ` +
            `PnL ${position?.pnl}; replay ${replayMs.toFixed(0)} ms of a ${callMs.toFixed(0)} ms call`,
        );
        say(
          `plain loop: ${c.expected.events} events, ${c.expected.fills} fills, position ${c.expected.position}, ` +
            `PnL ${c.expected.pnl}: ${same ? 'the same trading' : 'DIFFERENT TRADING: the baseline is not like-for-like'}`,
        );
      }
      return { rate: result.events / (replayMs / 1000), fills: result.fills.length };
    },
  },
  async teardown() {},
  targets: [
    {
      description: 'backtest replay >= 1,000,000 events/s',
      variant: 'engine',
      metric: 'rate',
      check: (value) => value >= 1_000_000,
    },
    {
      description: 'backtest replay within 3x of the plain loop (baseline / engine <= 3)',
      variant: 'engine',
      metric: 'rate',
      check: (value, baseline) => baseline / value <= 3,
    },
  ],
});

/** A sweep small enough for a bench: 4 combinations. */
const SWEEP = 'fast=5|10,slow=20|30';

interface SweepContext {
  base: BacktestSpec;
  combinations: Array<Record<string, number>>;
  threads: number;
  /** The rows of the first sweep, to check that every pool size gives the same results. */
  rows: SweepRow[] | undefined;
}

async function timedSweep(c: SweepContext, threads: number) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const rows = await runSweep(c.base, c.combinations, { threads });
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const summary = (list: SweepRow[]) =>
    list.map((row) => `${row.fills}/${row.statistics.endEquity}`).join(',');
  if (c.rows === undefined) c.rows = rows;
  else if (summary(c.rows) !== summary(rows)) {
    process.stderr.write(`[backtest-sweep] DIFFERENT RESULTS with ${threads} threads: ${summary(rows)}\n`);
  }
  // CPU time of every thread of the process (user and system) over the wall time: how many cores were busy.
  const cores = (used.user + used.system) / 1000 / wall;
  return { wall, rate: c.combinations.length / (wall / 1000), cores };
}

export const backtestSweepBench = defineBench<SweepContext>({
  name: 'backtest-sweep',
  description:
    `Wall time of a sweep (${SWEEP} on the ETH trades sample with ma-crossover: 4 backtests) on the piscina pool ` +
    'with a thread per core, against the same sweep with one thread; the pool start and each worker loading the ' +
    'engine are included. The rate ratio is the speed-up.',
  baseline: 'one-thread',
  metrics: {
    wall: { unit: 'ms', better: 'lower' },
    rate: { unit: 'backtests/s', better: 'higher' },
    cores: { unit: 'cores busy', better: 'higher' },
  },
  async setup(quick) {
    const { spec } = backtestSpec(quick);
    return {
      base: spec,
      combinations: sweepCombinations(parseSweep(SWEEP)),
      threads: availableParallelism(),
      rows: undefined,
    };
  },
  variants: {
    'one-thread': (c) => timedSweep(c, 1),
    'all-cores': (c) => timedSweep(c, c.threads),
  },
  async teardown() {},
});
