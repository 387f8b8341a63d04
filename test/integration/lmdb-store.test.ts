import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readActorState } from '../../src/persistence/actor-states.ts';
import { readStream } from '../../src/persistence/journal.ts';
import { LmdbSnapshotStore } from '../../src/persistence/lmdb-snapshot-store.ts';
import { FoxtrotStore } from '../../src/persistence/store.ts';
import { counterModule, counterProtocol } from '../fixtures/counter.ts';
import { counter, sleep, startSystem, waitFor } from '../support/system.ts';
import { tempDir } from '../support/temp-dir.ts';

describe('actor state and journal on LMDB', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('lmdb-store');
  });
  afterEach(() => dir.remove());

  async function withSystem<T>(
    children: Parameters<typeof startSystem>[0],
    run: (t: Awaited<ReturnType<typeof startSystem>>, store: FoxtrotStore) => Promise<T>,
  ): Promise<T> {
    const store = FoxtrotStore.open(dir.path);
    const t = await startSystem(children, undefined, { snapshots: new LmdbSnapshotStore(store) });
    try {
      return await run(t, store);
    } finally {
      await t.system.stop();
      await store.close();
    }
  }

  it('commits state and journal from the worker: a crash and then a new node on the same store both resume', async () => {
    await withSystem([{ id: 'c', start: counter() }], async (t) => {
      const c = t.system.ref('c', counterProtocol);
      for (let n = 1; n <= 20; n++) c.tell('note', { stream: 'notes', n });
      c.tell('crash', {});
      for (let n = 21; n <= 30; n++) c.tell('note', { stream: 'notes', n });
      await waitFor(async () => (await c.ask('get', {})).count === 30, 10_000, '30 notes after the crash');
    });
    await withSystem([{ id: 'c', start: counter() }], async (t, store) => {
      const c = t.system.ref('c', counterProtocol);
      expect((await c.ask('get', {})).count).toBe(30);
      const records = [...readStream(store, 'notes')];
      expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(records.map((r) => (r.data as { n: number }).n)).toEqual(
        Array.from({ length: 30 }, (_, i) => i + 1),
      );
      expect(records.every((r) => r.actor === 'c' && r.type === 'note')).toBe(true);
    });
  });

  it('loses and repeats nothing when the receiver crashes mid-stream (progress commits with the state)', async () => {
    await withSystem(
      [
        { id: 'sink', start: counter() },
        { id: 'source', start: counter() },
      ],
      async (t) => {
        const sink = t.system.ref('sink', counterProtocol);
        const source = t.system.ref('source', counterProtocol);
        for (let n = 1; n <= 100; n += 1) {
          source.tell('relay', { to: 'sink', n });
          if (n === 50) sink.tell('crash', {});
          if (n % 10 === 0) await sleep(10);
        }
        const seen = await waitFor(
          async () => {
            const { seen } = await sink.ask('history', {}, { timeoutMs: 10_000 });
            return seen.length >= 100 ? seen : undefined;
          },
          15_000,
          'all 100 records',
        );
        expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      },
    );
  });

  it('snapshots a replayable actor every few messages and replays the messages after the snapshot', async () => {
    const start = counter({
      actor: { module: counterModule, export: 'replayCounterActor' },
      snapshotEvery: { messages: 5, ms: 60_000 },
    });
    let total = 0;
    await withSystem([{ id: 'c', start }], async (t, store) => {
      const c = t.system.ref('c', counterProtocol);
      const incsOf = (replay: readonly { type: string }[]) => replay.filter((e) => e.type === 'inc').length;
      // Snapshots come every 5 messages once the actor has worked ten times as long as the last one took (the
      // schedule's cost bound), which on a loaded machine can take more than a few messages after the first.
      let n = 0;
      let replay: readonly { type: string }[] = [];
      do {
        n += 1;
        c.tell('inc', { by: 1 });
        expect((await c.ask('get', {})).count).toBe(n);
        replay = readActorState(store, 'c')?.replay ?? [];
      } while ((n < 13 || incsOf(replay) === 0 || incsOf(replay) >= 5) && n < 1000);
      // A snapshot covers all but the messages since the last one (a get may share an inc's turn); covered
      // messages are compacted away.
      expect(incsOf(replay)).toBeGreaterThan(0);
      expect(incsOf(replay)).toBeLessThan(5);
      const records = [...store.dbs.journal.getKeys({ start: ['actor:c'], end: ['actor:d'] })].length;
      expect(records).toBeGreaterThan(0);
      expect(records).toBeLessThanOrEqual(replay.length);
      c.tell('crash', {});
      c.tell('inc', { by: 100 });
      await waitFor(async () => (await c.ask('get', {})).count === n + 100, 10_000, 'the restart');
      total = n + 100;
    });
    await withSystem([{ id: 'c', start }], async (t) => {
      expect((await t.system.ref('c', counterProtocol).ask('get', {})).count).toBe(total);
    });
  });

  it('journals an inline actor through the store from this thread', async () => {
    await withSystem([{ id: 'i', start: counter({ placement: 'inline' }) }], async (t, store) => {
      const i = t.system.ref('i', counterProtocol);
      for (let n = 1; n <= 5; n++) i.tell('note', { stream: 'inline-notes', n });
      await waitFor(async () => (await i.ask('get', {})).count === 5, 5000, 'five notes');
      expect([...readStream(store, 'inline-notes')].map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    });
  });
});
