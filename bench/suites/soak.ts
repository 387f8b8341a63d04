import type { Figures, Series } from '../lib/harness.ts';
import { defineBench } from '../lib/harness.ts';
import {
  type BareProcess,
  type NodeChild,
  rssOf,
  sleep,
  startBareProcess,
  startNodeChild,
} from '../lib/node-child.ts';
import { median } from '../lib/stats.ts';

/*
 * The soak: the node (a child process, embedded defaults) under --chaos for 10 minutes (1 with --quick), its
 * RSS read every few seconds, and at the end no order lost. One run, no repetitions.
 *
 * Memory growth is the median RSS of the last window minus the median of the first window after the warm-up
 * (medians: under chaos single readings jump by 100-300 MiB while a worker given the `memory` fault fills its
 * heap up to its limit before it is killed), and the least-squares slope of every reading after the warm-up.
 *
 * The baseline is a bare process of as many idle bare workers importing the same packages, started with the
 * node and read at the same moments: the floor of the measurement (an idle process does not grow). It takes
 * no CPU from the node.
 *
 * At the end, as test/acceptance/node.test.ts does: chaos off, trading HALTED, then /invariants must hold
 * (every order open at the venue known to execution and the other way round, positions equal to the venue's)
 * within 60 s, and the node must stop cleanly (exit code 0).
 */

/** The bound on the node's RSS growth over the soak after its warm-up (bench/README.md says why). */
export const SOAK_GROWTH_BOUND_MIB = 50;

interface Sample {
  /** Seconds since the node was healthy. */
  t: number;
  node: number;
  nodeAnon: number | undefined;
  /** The V8 heaps in use, from the node's /metrics: its main thread's, and its actor workers' together. */
  heapMain: number | undefined;
  heapWorkers: number | undefined;
  bare: number;
}

interface Context {
  durationS: number;
  warmUpS: number;
  windowS: number;
  everyS: number;
  samples: Sample[];
  /** The bare process's figures, read beside the node's in the same run. */
  bare: Figures | undefined;
}

/** Least-squares slope of y over x. */
function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

/**
 * Growth figures of one line of readings (MiB): warm window, end window, growth, slope per minute, peak. Readings
 * that are missing (a scrape of /metrics that failed under chaos) are left out.
 */
function growth(c: Context, read: (s: Sample) => number | undefined): Figures {
  const readings = c.samples.filter((s) => read(s) !== undefined);
  const value = (s: Sample) => read(s) as number;
  const after = readings.filter((s) => s.t >= c.warmUpS);
  const end = c.samples[c.samples.length - 1]?.t ?? 0;
  const warm = median(after.filter((s) => s.t < c.warmUpS + c.windowS).map(value));
  const last = median(after.filter((s) => s.t > end - c.windowS).map(value));
  return {
    rssAfterWarmUp: warm,
    rssEnd: last,
    growth: last - warm,
    slopePerMin: slope(after.map((s) => ({ x: s.t / 60, y: value(s) }))),
    peak: Math.max(...readings.map(value)),
  };
}

/** The node's thread heaps (MiB), or undefined ones when its /metrics does not answer. */
async function heapsOf(node: NodeChild): Promise<Pick<Sample, 'heapMain' | 'heapWorkers'>> {
  try {
    const threads = await node.threadHeaps();
    let heapWorkers = 0;
    for (const [thread, heap] of threads) if (thread !== 'main') heapWorkers += heap;
    return { heapMain: threads.get('main'), heapWorkers: threads.size > 1 ? heapWorkers : undefined };
  } catch {
    return { heapMain: undefined, heapWorkers: undefined };
  }
}

async function soak(c: Context): Promise<Figures> {
  c.samples = [];
  const node: NodeChild = await startNodeChild(['--chaos']);
  let bare: BareProcess | undefined;
  try {
    const workers = await node.workers();
    bare = await startBareProcess(workers);
    const started = performance.now();
    const progressEvery = Math.max(1, Math.round(60 / c.everyS));
    for (let i = 0; ; i += 1) {
      const t = (performance.now() - started) / 1000;
      const reading = rssOf(node.pid);
      const bareRss = rssOf(bare.pid).rss;
      c.samples.push({
        t,
        node: reading.rss,
        nodeAnon: reading.anon,
        bare: bareRss,
        ...(await heapsOf(node)),
      });
      if (i % progressEvery === 0) {
        process.stderr.write(`[soak] ${t.toFixed(0)} s: node RSS ${reading.rss.toFixed(0)} MiB\n`);
      }
      if (t >= c.durationS) break;
      await sleep(Math.min(c.everyS * 1000, Math.max(0, (c.durationS - t) * 1000)));
    }
    const during = await node.admin('/status');
    // Quiet the node, then look for lost orders, as the acceptance test does.
    await node.admin('/chaos', { enabled: false });
    await node.until(
      'a healthy node after chaos',
      async () => ((await node.admin('/health')).code === 200 ? true : undefined),
      60_000,
    );
    await node.admin('/trading-state', { state: 'HALTED', reason: 'soak: checking invariants' });
    let last: unknown;
    const invariantsOk = await node
      .until(
        'invariants to hold once quiet',
        async () => {
          const report = await node.admin('/invariants');
          last = report.body;
          return report.body.ok === true ? true : undefined;
        },
        // Orders whose acknowledgement chaos dropped settle through execution's venue queries (5 s each).
        60_000,
      )
      .catch(() => false);
    const status = (await node.admin('/status')).body;
    // A node that lost an order keeps its store, for `foxtrot inspect --data DIR`.
    const exitCode = await node.stop(!invariantsOk);
    if (!invariantsOk) {
      process.stderr.write(
        `[soak] invariants do not hold: ${JSON.stringify(last)}\n[soak] the node's store is kept: ${node.data}\n`,
      );
    }
    if (exitCode !== 0)
      process.stderr.write(`[soak] the node exited with ${exitCode}: ${node.stderr().slice(-2000)}\n`);
    c.bare = { ...growth(c, (s) => s.bare), workers };
    const anon: Figures = {};
    const anonGrowth = c.samples.every((s) => s.nodeAnon !== undefined)
      ? growth(c, (s) => s.nodeAnon as number).growth
      : undefined;
    if (anonGrowth !== undefined) anon.anonGrowth = anonGrowth;
    // Where growth goes: the heaps V8 reports (in use, not what it keeps reserved) of the main thread and workers.
    const heapMainGrowth = growth(c, (s) => s.heapMain).growth;
    const heapWorkersGrowth = growth(c, (s) => s.heapWorkers).growth;
    return {
      ...growth(c, (s) => s.node),
      ...anon,
      ...(Number.isFinite(heapMainGrowth) ? { heapMainGrowth } : {}),
      ...(Number.isFinite(heapWorkersGrowth) ? { heapWorkersGrowth } : {}),
      workers,
      orders: Number(status.orders ?? Number.NaN),
      fills: Number(status.fills ?? Number.NaN),
      restarts: Number(during.body.restarts ?? Number.NaN),
      invariantsOk: invariantsOk ? 1 : 0,
      cleanStop: exitCode === 0 ? 1 : 0,
    };
  } finally {
    await bare?.stop();
    if (node.child.exitCode === null && node.child.signalCode === null) await node.stop();
  }
}

export const soakBench = defineBench<Context>({
  name: 'soak',
  description:
    'The node (foxtrot run --chaos, embedded defaults, a child process) for 10 minutes (--quick: 1), its RSS ' +
    'read every 5 s (--quick: 2 s): growth after the warm-up (median of the first minute after it against the ' +
    "last minute's; --quick: 15 s windows) and the slope; then chaos off, trading halted, and /invariants must " +
    'hold (no order lost). Baseline: a bare process of as many idle bare workers with the same imports, read at ' +
    'the same moments. One run.',
  baseline: 'bare-workers',
  metrics: {
    // The bare process does not grow (a page or two either way): a ratio to that would say nothing.
    growth: { unit: 'MiB', better: 'lower', ratio: false },
    slopePerMin: { unit: 'MiB/min', better: 'lower', ratio: false },
    rssAfterWarmUp: { unit: 'MiB', better: 'lower' },
    rssEnd: { unit: 'MiB', better: 'lower' },
    peak: { unit: 'MiB', better: 'lower', chart: false },
    anonGrowth: { unit: 'MiB', better: 'lower', chart: false },
    heapMainGrowth: { unit: 'MiB', better: 'lower', ratio: false, chart: false },
    heapWorkersGrowth: { unit: 'MiB', better: 'lower', ratio: false, chart: false },
    workers: { unit: 'workers', better: 'lower', chart: false },
    orders: { unit: 'orders', better: 'higher', chart: false },
    fills: { unit: 'fills', better: 'higher', chart: false },
    restarts: { unit: 'restarts', better: 'higher', chart: false },
    invariantsOk: { unit: '1 = ok', better: 'higher', chart: false },
    cleanStop: { unit: '1 = exit 0', better: 'higher', chart: false },
  },
  repetitions: 1,
  warmUp: false,
  async setup(quick) {
    return quick
      ? { durationS: 60, warmUpS: 15, windowS: 15, everyS: 2, samples: [], bare: undefined }
      : { durationS: 600, warmUpS: 120, windowS: 60, everyS: 5, samples: [], bare: undefined };
  },
  variants: {
    'node-chaos': soak,
    // Read beside the node's, in the same window, by the run above (the variants run in this order).
    'bare-workers': async (c) => {
      if (c.bare === undefined)
        throw new Error('soak: the bare process is read by the node-chaos run, which did not finish');
      return c.bare;
    },
  },
  async teardown() {},
  series(c): Series[] {
    const x = c.samples.map((s) => Math.round(s.t * 10) / 10);
    const lines: Series['lines'] = [
      { label: 'node RSS', unit: 'MiB', values: c.samples.map((s) => s.node) },
      { label: 'bare workers RSS', unit: 'MiB', values: c.samples.map((s) => s.bare) },
    ];
    if (c.samples.every((s) => s.nodeAnon !== undefined)) {
      lines.splice(1, 0, {
        label: 'node RSS, anonymous',
        unit: 'MiB',
        values: c.samples.map((s) => s.nodeAnon ?? null),
      });
    }
    for (const [label, read] of [
      ['main thread heap in use', (s: Sample) => s.heapMain],
      ['actor workers heaps in use', (s: Sample) => s.heapWorkers],
    ] as const) {
      if (c.samples.some((s) => read(s) !== undefined))
        lines.push({ label, unit: 'MiB', values: c.samples.map((s) => read(s) ?? null) });
    }
    return [
      {
        title: `RSS through the soak (warm-up: the first ${c.warmUpS} s)`,
        x: { label: 'since the node was healthy', unit: 's', values: x },
        lines,
      },
    ];
  },
  targets: [
    {
      description: `memory growth under chaos after the warm-up < ${SOAK_GROWTH_BOUND_MIB} MiB`,
      variant: 'node-chaos',
      metric: 'growth',
      check: (value) => value < SOAK_GROWTH_BOUND_MIB,
    },
    {
      description: 'no lost orders: /invariants hold once chaos is off and trading halted',
      variant: 'node-chaos',
      metric: 'invariantsOk',
      check: (value) => value === 1,
    },
  ],
});
