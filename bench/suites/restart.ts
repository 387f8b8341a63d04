import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActorSystem } from '../../src/index.ts';
import { LmdbSnapshotStore } from '../../src/persistence/lmdb-snapshot-store.ts';
import { FoxtrotStore } from '../../src/persistence/store.ts';
import { pipeProtocol } from '../actors/pipe.ts';
import { bareWorkerStart } from '../baselines/raw.ts';
import { defineBench } from '../lib/harness.ts';
import { pipe, startBenchSystem } from './system.ts';

/** Crash the actor, then time until it answers from its restored state: detection, restart and restore. */
async function crashToReady(system: ActorSystem, id: string): Promise<{ ms: number }> {
  const actor = system.ref(id, pipeProtocol);
  actor.tell('bump', {});
  const { bumps } = await actor.ask('get', {});
  const started = performance.now();
  actor.tell('crash', {});
  const after = await actor.ask('get', {}, { timeoutMs: 30_000 });
  const ms = performance.now() - started;
  if (after.bumps !== bumps)
    throw new Error(`state not restored: had ${bumps} bumps, restarted with ${after.bumps}`);
  return { ms };
}

export const restartBench = defineBench({
  name: 'restart',
  description:
    'A crashed actor back to ready with its state restored (crash, failure detection, restart, restore, ' +
    'answer), against a bare worker start with the same imports; and with a pre-started standby worker.',
  baseline: 'bare-worker-start',
  metrics: { ms: { unit: 'ms', better: 'lower' } },
  async setup() {
    const system = await startBenchSystem([
      { id: 'cold', start: pipe('pipeActor') },
      { id: 'warm', start: pipe('pipeActor', { standby: true }) },
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'foxtrot-bench-restart-'));
    const store = FoxtrotStore.open(dir);
    const durable = await startBenchSystem([{ id: 'lmdb', start: pipe('pipeActor') }], {
      snapshots: new LmdbSnapshotStore(store),
    });
    return { system, durable, store, dir };
  },
  variants: {
    'bare-worker-start': async () => ({ ms: await bareWorkerStart() }),
    'actor-restart': (c) => crashToReady(c.system, 'cold'),
    'bare-worker-start-lmdb': async () => ({ ms: await bareWorkerStart(['lmdb', 'msgpackr']) }),
    'actor-restart-lmdb': (c) => crashToReady(c.durable, 'lmdb'),
    'actor-restart-standby': async (c) => {
      // Give the standby worker time to load, as it would have between two failures in production.
      await new Promise((resolve) => setTimeout(resolve, 300));
      return crashToReady(c.system, 'warm');
    },
  },
  async teardown(c) {
    await c.system.stop();
    await c.durable.stop();
    await c.store.close();
    rmSync(c.dir, { recursive: true, force: true });
  },
  targets: [
    {
      description: 'restart with state <= bare worker start + 15 ms',
      variant: 'actor-restart',
      metric: 'ms',
      check: (value, baseline) => value <= baseline + 15,
    },
    {
      description: 'restart with state on LMDB <= bare worker start importing lmdb + 15 ms',
      variant: 'actor-restart-lmdb',
      against: 'bare-worker-start-lmdb',
      metric: 'ms',
      check: (value, baseline) => value <= baseline + 15,
    },
    {
      description: 'restart with a standby worker < 10 ms',
      variant: 'actor-restart-standby',
      metric: 'ms',
      check: (value) => value < 10,
    },
  ],
});
