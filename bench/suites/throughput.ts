import { pipeProtocol } from '../actors/pipe.ts';
import { startRawPair } from '../baselines/raw.ts';
import { defineBench } from '../lib/harness.ts';
import { pipe, startBenchSystem } from './system.ts';

const BATCH = 512;

export const throughputBench = defineBench({
  name: 'throughput',
  description:
    'Envelopes from an actor in one worker to an actor in another, delivered and handled, against raw ' +
    `postMessage of the same envelopes between two bare workers (${BATCH} per post, and one per post).`,
  baseline: 'raw-batched',
  metrics: { rate: { unit: 'msg/s', better: 'higher' } },
  async setup(quick) {
    const count = quick ? 200_000 : 500_000;
    const raw = await startRawPair();
    const system = await startBenchSystem([
      { id: 'producer', start: pipe('pipeActor', { persist: false }) },
      { id: 'consumer', start: pipe('pipeActor') },
      { id: 'consumer-transition', start: pipe('pipeTransitionActor') },
    ]);
    const stream = async (consumer: string) => {
      const target = system.ref(consumer, pipeProtocol);
      const done = target.ask('expect', { count }, { timeoutMs: 120_000 });
      await target.ask('ping', {});
      const started = performance.now();
      system.ref('producer', pipeProtocol).tell('produce', { to: consumer, count });
      await done;
      return { rate: count / ((performance.now() - started) / 1000) };
    };
    return { count, raw, system, stream };
  },
  variants: {
    'raw-batched': async (c) => ({ rate: await c.raw.throughput(c.count, BATCH) }),
    'raw-single': async (c) => ({ rate: await c.raw.throughput(c.count, 1) }),
    'actor-handler': (c) => c.stream('consumer'),
    'actor-transition': (c) => c.stream('consumer-transition'),
  },
  async teardown(c) {
    await c.raw.close();
    await c.system.stop();
  },
  targets: [
    {
      description: 'cross-thread actor messaging >= 0.7x raw batched postMessage',
      variant: 'actor-handler',
      metric: 'rate',
      check: (value, baseline) => value >= 0.7 * baseline,
    },
  ],
});
