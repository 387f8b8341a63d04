import { pipeProtocol } from '../actors/pipe.ts';
import { startPiscinaPerMessage } from '../baselines/piscina-per-message.ts';
import { startRawPair } from '../baselines/raw.ts';
import { startSabRing } from '../baselines/sab-ring.ts';
import { startXStateOneThread } from '../baselines/xstate-one-thread.ts';
import { defineBench } from '../lib/harness.ts';
import { pipe, startBenchSystem } from './system.ts';

const BATCH = 512;
/** Slots of the SharedArrayBuffer ring (64 bytes each). */
const RING_SLOTS = 1024;
/**
 * The piscina peer: one pool thread (the one receiver), the tasks the main thread keeps submitted, and the share of
 * the envelopes it runs (a fifth: at tens of thousands a second, the whole count would take most of the bench).
 */
const PISCINA_THREADS = 1;
const PISCINA_IN_FLIGHT = 64;
const PISCINA_SHARE = 5;

export const throughputBench = defineBench({
  name: 'throughput',
  description:
    'Envelopes from an actor in one worker to an actor in another, delivered and handled, against raw ' +
    `postMessage of the same envelopes between two bare workers (${BATCH} per post, and one per post) and a ` +
    'SharedArrayBuffer ring between them; peers: XState actors in one thread, every message relayed through the ' +
    `main thread, a piscina task per message (${PISCINA_IN_FLIGHT} in flight, 1/${PISCINA_SHARE} of the envelopes).`,
  baseline: 'raw-batched',
  metrics: { rate: { unit: 'msg/s', better: 'higher' } },
  async setup(quick) {
    const count = quick ? 200_000 : 500_000;
    const raw = await startRawPair();
    const ring = startSabRing(RING_SLOTS);
    const oneThread = startXStateOneThread();
    const relayed = await startRawPair('main-relay');
    const piscina = startPiscinaPerMessage(PISCINA_THREADS, PISCINA_IN_FLIGHT);
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
    return { count, raw, ring, oneThread, relayed, piscina, system, stream };
  },
  variants: {
    'raw-batched': async (c) => ({ rate: await c.raw.throughput(c.count, BATCH) }),
    'raw-single': async (c) => ({ rate: await c.raw.throughput(c.count, 1) }),
    'raw-sab-ring': async (c) => ({ rate: await c.ring.throughput(c.count) }),
    'actor-handler': (c) => c.stream('consumer'),
    'actor-transition': (c) => c.stream('consumer-transition'),
    'peer-xstate-one-thread': async (c) => ({ rate: await c.oneThread.throughput(c.count) }),
    'peer-main-relay': async (c) => ({ rate: await c.relayed.throughput(c.count, 1) }),
    'peer-piscina-per-message': async (c) => ({
      rate: await c.piscina.throughput(c.count / PISCINA_SHARE),
    }),
  },
  async teardown(c) {
    await Promise.all([
      c.raw.close(),
      c.ring.close(),
      c.oneThread.close(),
      c.relayed.close(),
      c.piscina.close(),
    ]);
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
