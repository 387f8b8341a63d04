import { defineBench } from '../lib/harness.ts';
import { settledRss, sleep, startBareProcess, startNodeChild, tradingNode } from '../lib/node-child.ts';

/*
 * Memory per actor: the node's process RSS over its actor workers, beside a bare process with as many bare
 * workers importing the same packages. Each repetition is a fresh process, measured the same time after it is
 * up (the node: after it is healthy and has made orders and fills), as the median of five readings a second
 * apart.
 */

interface Context {
  /** Actor workers in the node's tree (embedded defaults), counted at setup. */
  workers: number;
  settleMs: number;
}

export const memoryBench = defineBench<Context>({
  name: 'memory',
  description:
    'RSS of a node (foxtrot run, embedded defaults, a child process) trading for a while, and its RSS per actor ' +
    'worker; against a bare process whose main thread and as many bare workers (idle, alive) import the same ' +
    'packages an actor worker imports.',
  baseline: 'bare-workers',
  metrics: {
    rss: { unit: 'MiB', better: 'lower' },
    rssPerWorker: { unit: 'MiB', better: 'lower' },
    /** The median of the node's actor workers' own V8 heaps (each worker reports its isolate's; node only). */
    heapPerWorker: { unit: 'MiB', better: 'lower', ratio: false },
    /** The node's main thread's own V8 heap: the supervisors, the store, the admin endpoint (node only). */
    heapMain: { unit: 'MiB', better: 'lower', ratio: false },
    anon: { unit: 'MiB', better: 'lower' },
    /** The bare process after its imports, before any worker: what is not the workers' (baseline only). */
    rssNoWorkers: { unit: 'MiB', better: 'lower', chart: false },
    workers: { unit: 'workers', better: 'lower', chart: false },
  },
  // Each repetition starts a fresh process: there is nothing to warm up, and three are enough to see the
  // spread.
  repetitions: 3,
  warmUp: false,
  async setup(quick) {
    const node = await startNodeChild();
    try {
      return { workers: await node.workers(), settleMs: quick ? 10_000 : 30_000 };
    } finally {
      await node.stop();
    }
  },
  variants: {
    'bare-workers': async (c) => {
      const bare = await startBareProcess(c.workers);
      try {
        await sleep(c.settleMs);
        const { rss, anon } = await settledRss(bare.pid);
        return {
          rss,
          rssPerWorker: rss / c.workers,
          ...(anon === undefined ? {} : { anon }),
          rssNoWorkers: bare.rssBeforeWorkers,
          workers: c.workers,
        };
      } finally {
        await bare.stop();
      }
    },
    node: async (c) => {
      const node = await startNodeChild();
      try {
        await tradingNode(node);
        await sleep(c.settleMs);
        const workers = await node.workers();
        const { rss, anon } = await settledRss(node.pid);
        const threads = await node.threadHeaps();
        const heapMain = threads.get('main');
        threads.delete('main');
        const heaps = [...threads.values()].sort((a, b) => a - b);
        const heapPerWorker = heaps[Math.floor(heaps.length / 2)];
        return {
          rss,
          rssPerWorker: rss / workers,
          ...(heapPerWorker === undefined ? {} : { heapPerWorker }),
          ...(heapMain === undefined ? {} : { heapMain }),
          ...(anon === undefined ? {} : { anon }),
          workers,
        };
      } finally {
        await node.stop();
      }
    },
  },
  async teardown() {},
});
