import { pipeProtocol } from '../actors/pipe.ts';
import { roundTrips, startRawEcho } from '../baselines/raw.ts';
import { defineBench } from '../lib/harness.ts';
import { pipe, startBenchSystem } from './system.ts';

export const askBench = defineBench({
  name: 'ask',
  description:
    'Round trip of an ask from the main thread to an actor in a worker (a machine transition and a typed, ' +
    'validated reply), against a raw postMessage ping-pong with a bare worker.',
  baseline: 'raw-ping-pong',
  metrics: { p50: { unit: 'us', better: 'lower' }, p99: { unit: 'us', better: 'lower' } },
  async setup(quick) {
    const rounds = quick ? 2000 : 5000;
    const echo = startRawEcho();
    const system = await startBenchSystem([{ id: 'responder', start: pipe('pipeActor') }]);
    return { rounds, echo, system, responder: system.ref('responder', pipeProtocol) };
  },
  variants: {
    'raw-ping-pong': (c) => roundTrips(() => c.echo.ping(), c.rounds, 200),
    'actor-ask': (c) => roundTrips(() => c.responder.ask('ping', {}), c.rounds, 200),
  },
  async teardown(c) {
    await c.echo.close();
    await c.system.stop();
  },
  targets: [
    {
      description: 'ask p50 <= 1.5x raw ping-pong p50',
      variant: 'actor-ask',
      metric: 'p50',
      check: (value, baseline) => value <= 1.5 * baseline,
    },
  ],
});
