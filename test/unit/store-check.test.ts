import type { Key } from 'lmdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeActorCommit } from '../../src/persistence/actor-states.ts';
import { CheckStopped, checkIntegrity, checkLiveState } from '../../src/persistence/integrity.ts';
import { appendJournal } from '../../src/persistence/journal.ts';
import { STREAM } from '../../src/persistence/layout.ts';
import { encodeRecord } from '../../src/persistence/record-codec.ts';
import { startScrub } from '../../src/persistence/scrub.ts';
import { FoxtrotStore } from '../../src/persistence/store.ts';
import { flipStoredRecord } from '../support/flip-record.ts';
import { storedOrder } from '../support/stored-order.ts';
import { tempDir } from '../support/temp-dir.ts';

const order = (id: string, status: string) => storedOrder(id, status, status === 'FILLED' ? '1' : '0');

/** An order's stream up to `status`: Submitted, Accepted, and a fill when it is FILLED. */
function journalOrder(store: FoxtrotStore, id: string, status: 'ACCEPTED' | 'FILLED'): void {
  const stream = STREAM.order(id);
  const entries = [
    {
      stream,
      type: 'Submitted',
      at: 1,
      data: { order: order(id, 'SUBMITTED'), event: { type: 'Submitted' } },
    },
    { stream, type: 'Accepted', at: 2, data: { order: order(id, 'ACCEPTED'), event: { type: 'Accepted' } } },
  ];
  if (status === 'FILLED') {
    entries.push({
      stream,
      type: 'Filled',
      at: 3,
      data: {
        order: order(id, 'FILLED'),
        event: { type: 'Filled', tradeId: `t-${id}`, quantity: '1', price: '100' } as never,
      },
    });
  }
  store.write(() => {
    appendJournal(store, 'execution', entries);
  });
}

const progress = { endpointKey: 'a@1', watermarks: {}, outgoing: { links: {}, unresolved: {} } };

describe("the store's checks: what a start reads, and the whole store in a thread of its own", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('store-check');
  });
  afterEach(() => dir.remove());

  /** A store with a closed order, an open one, and an actor's state; each test damages one record of it. */
  async function storeWithHistory(): Promise<void> {
    const store = FoxtrotStore.open(dir.path);
    journalOrder(store, 'closed-1', 'FILLED');
    journalOrder(store, 'open-1', 'ACCEPTED');
    store.write(() => {
      writeActorCommit(store, 'risk', {
        machine: { machine: { status: 'active', context: { marker: 'risk-state' } } as never, timers: [] },
        progress,
        journal: [],
      });
    });
    expect(checkLiveState(store).ok).toBe(true);
    expect(checkIntegrity(store, { fold: false }).ok).toBe(true);
    await store.close();
  }

  /** Runs `check` on an open store, and closes it whatever happens. */
  async function inStore(
    store: FoxtrotStore | Promise<FoxtrotStore>,
    check: (store: FoxtrotStore) => unknown,
  ) {
    const opened = await store;
    try {
      await check(opened);
    } finally {
      await opened.close();
    }
  }

  /** Damages the record under `key` of `db` on disk, then opens the store again. */
  async function damaged(db: 'journal' | 'actors', key: Key): Promise<FoxtrotStore> {
    const store = FoxtrotStore.open(dir.path, { readOnly: true });
    const record = Buffer.from(store.dbs[db].get(key) as Uint8Array);
    await store.close();
    flipStoredRecord(dir.path, record);
    return FoxtrotStore.open(dir.path);
  }

  it("the start's check finds a damaged record of an open order, naming it", async () => {
    await storeWithHistory();
    const store = await damaged('journal', [STREAM.order('open-1'), 1]);
    const live = checkLiveState(store);
    expect(live.ok).toBe(false);
    expect(live.problems).toEqual([
      { db: 'journal', key: ['order:open-1', 1], problem: 'checksum mismatch (the record was altered)' },
    ]);
    await store.close();
  });

  it("the start's check finds a damaged actor state", async () => {
    await storeWithHistory();
    const store = FoxtrotStore.open(dir.path, { readOnly: true });
    const key = [...store.dbs.actors.getKeys({ start: ['risk'], end: ['risk\u0000'] })].find((k) =>
      Buffer.from(store.dbs.actors.get(k) as Uint8Array).includes('risk-state'),
    ) as Key;
    await store.close();
    const reopened = await damaged('actors', key);
    expect(checkLiveState(reopened).problems.map((p) => [p.db, p.key])).toEqual([['actors', key]]);
    await reopened.close();
  });

  it("leaves a closed order's history to the whole check, which the scrub runs in a worker thread", async () => {
    await storeWithHistory();
    await inStore(damaged('journal', [STREAM.order('closed-1'), 1]), async (store) => {
      expect(checkLiveState(store).ok).toBe(true);
      const scrub = startScrub({ path: store.path, durability: 'process' });
      const result = await scrub.result;
      expect(result.ok).toBe(false);
      expect(result.journalRecords).toBe(5);
      expect(result.problems).toEqual([
        { db: 'journal', key: ['order:closed-1', 1], problem: 'checksum mismatch (the record was altered)' },
      ]);
      await scrub.stop();
    });
  });

  it('finds an orders-view entry that points at the wrong record, or does not decode, and a fill missing from its view', async () => {
    await storeWithHistory();
    await inStore(FoxtrotStore.open(dir.path), async (store) => {
      const damagedView = Buffer.from(store.dbs.orders.get('closed-1') as Uint8Array);
      damagedView[damagedView.length - 1] = (damagedView[damagedView.length - 1] ?? 0) ^ 0x01;
      store.write(() => {
        store.dbs.orders.putSync('open-1', encodeRecord(1));
        store.dbs.orders.putSync('closed-1', damagedView);
        store.dbs.fills.removeSync(['closed-1', 3]);
      });
      expect(checkLiveState(store).problems).toEqual([
        {
          db: 'orders',
          key: 'open-1',
          problem: 'view points at record 1, the stream ends at record 2 (ACCEPTED)',
        },
      ]);
      expect(checkIntegrity(store, { fold: false }).problems).toEqual([
        { db: 'fills', key: ['closed-1', 3], problem: 'journaled, but missing from the fills view' },
        { db: 'orders', key: 'closed-1', problem: 'checksum mismatch (the record was altered)' },
        {
          db: 'orders',
          key: 'open-1',
          problem: 'view points at record 1, the stream ends at record 2 (ACCEPTED)',
        },
      ]);
    });
  });

  it('a check asked to stop ends early, and a scrub stopped before it finishes says so', async () => {
    await storeWithHistory();
    await inStore(FoxtrotStore.open(dir.path), async (store) => {
      expect(() => checkIntegrity(store, { stopped: () => true })).toThrow(CheckStopped);
      const scrub = startScrub({ path: store.path, durability: 'process' });
      await scrub.stop();
      // The flag is up before the thread has loaded: the check stops at its first record.
      const result = await scrub.result;
      expect(result).toMatchObject({ ok: false, stopped: true });
    });
  });
});
