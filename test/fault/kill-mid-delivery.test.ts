import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LmdbSnapshotStore } from '../../src/persistence/lmdb-snapshot-store.ts';
import { FoxtrotStore } from '../../src/persistence/store.ts';
import { counterProtocol } from '../fixtures/counter.ts';
import { counter, startSystem, waitFor } from '../support/system.ts';
import { tempDir } from '../support/temp-dir.ts';

const child = fileURLToPath(new URL('../fixtures/kill-mid-delivery.ts', import.meta.url));
const COUNT = 200;

describe('a whole-process kill with messages in a busy receiver’s port', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('kill-mid-delivery');
  });
  afterEach(() => dir.remove());

  it('loses none of them: the sender’s next incarnation sends again what the receiver never acknowledged', async () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', child, dir.path, String(COUNT)], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.signal, run.stderr).toBe('SIGKILL');

    const store = FoxtrotStore.open(dir.path);
    const { system } = await startSystem(
      [
        { id: 'sink', start: counter() },
        { id: 'source', start: counter() },
      ],
      undefined,
      { snapshots: new LmdbSnapshotStore(store) },
    );
    try {
      const sink = system.ref('sink', counterProtocol);
      const seen = await waitFor(
        async () => {
          const { seen } = await sink.ask('history', {});
          return seen.length > COUNT ? seen : undefined;
        },
        15_000,
        `all ${COUNT} records at the sink`,
      );
      expect(seen).toEqual(Array.from({ length: COUNT + 1 }, (_, i) => i));
    } finally {
      await system.stop();
      await store.close();
    }
  }, 90_000);
});
