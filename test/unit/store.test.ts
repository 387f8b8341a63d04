import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'lmdb';
import { Packr } from 'msgpackr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  prepareActorCommit,
  readActorState,
  writeActorCommit,
  writePreparedCommit,
} from '../../src/persistence/actor-states.ts';
import { checkIntegrity } from '../../src/persistence/integrity.ts';
import { appendJournal, readStream } from '../../src/persistence/journal.ts';
import { SCHEMA_VERSION, STREAM } from '../../src/persistence/layout.ts';
import { decodeRecord, encodeRecord } from '../../src/persistence/record-codec.ts';
import { FoxtrotStore, storePathOf } from '../../src/persistence/store.ts';
import { fillsOf, orderOf } from '../../src/persistence/views.ts';
import { storedOrder } from '../support/stored-order.ts';
import { tempDir } from '../support/temp-dir.ts';

const order = storedOrder;

function journalOrderLife(store: FoxtrotStore, id: string): void {
  store.write(() => {
    appendJournal(store, 'execution', [
      {
        stream: STREAM.order(id),
        type: 'Submitted',
        at: 1,
        data: { order: order(id, 'SUBMITTED'), event: { type: 'Submitted' } },
      },
      {
        stream: STREAM.order(id),
        type: 'Accepted',
        at: 2,
        data: { order: order(id, 'ACCEPTED'), event: { type: 'Accepted' } },
      },
      {
        stream: STREAM.order(id),
        type: 'Filled',
        at: 3,
        data: {
          order: order(id, 'FILLED', '1'),
          event: { type: 'Filled', tradeId: `t-${id}`, quantity: '1', price: '100' },
        },
      },
      {
        stream: STREAM.position('BTCUSDT.SIM'),
        type: 'PositionChanged',
        at: 3,
        data: { instrumentId: 'BTCUSDT.SIM', quantity: '1' },
      },
    ]);
  });
}

describe('the LMDB store', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('store');
  });
  afterEach(() => dir.remove());

  it('creates a store with the current schema version, counts node starts, and refuses a second opener', async () => {
    const first = FoxtrotStore.open(dir.path);
    expect(first.schemaVersion).toBe(SCHEMA_VERSION);
    expect(first.incarnation).toBe(1);
    expect(() => FoxtrotStore.open(dir.path)).toThrow(/already open in this process/);
    await first.close();
    const second = FoxtrotStore.open(dir.path);
    expect(second.incarnation).toBe(2);
    await second.close();
  });

  it('refuses a store locked by another running process, naming the pid', async () => {
    mkdirSync(storePathOf(dir.path), { recursive: true });
    // pid 1 is always alive: the lock is held by a running process.
    writeFileSync(join(storePathOf(dir.path), 'foxtrot.lock'), '1');
    expect(() => FoxtrotStore.open(dir.path)).toThrow(/locked by a running node \(pid 1\)/);
    // A lock whose owner is gone (a killed node) is taken over.
    writeFileSync(join(storePathOf(dir.path), 'foxtrot.lock'), '999999999');
    const store = FoxtrotStore.open(dir.path);
    expect(readFileSync(join(storePathOf(dir.path), 'foxtrot.lock'), 'utf8')).toBe(String(process.pid));
    await store.close();
  });

  it('refuses a directory that is not a Foxtrot store and writes nothing to it', () => {
    mkdirSync(storePathOf(dir.path), { recursive: true });
    writeFileSync(join(storePathOf(dir.path), 'notes.txt'), 'hello');
    expect(() => FoxtrotStore.open(dir.path)).toThrow(
      /store .*: is not a Foxtrot store \(it holds notes.txt\)/,
    );
    const plainFile = join(dir.path, 'file');
    writeFileSync(plainFile, 'x');
    expect(() => FoxtrotStore.open(plainFile)).toThrow(/is not a directory/);
  });

  it('refuses an LMDB environment that has no Foxtrot schema', async () => {
    const raw = open({ path: storePathOf(dir.path) });
    await raw.put('something', 1);
    await raw.close();
    expect(() => FoxtrotStore.open(dir.path)).toThrow(/not a Foxtrot store \(no schema version\)/);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a read-only data directory', () => {
    chmodSync(dir.path, 0o500);
    try {
      expect(() => FoxtrotStore.open(dir.path)).toThrow(/is read-only/);
    } finally {
      chmodSync(dir.path, 0o700);
    }
  });

  it('refuses a store written by a newer schema with a clear error', async () => {
    const store = FoxtrotStore.open(dir.path);
    store.setMeta('schemaVersion', SCHEMA_VERSION + 1);
    await store.close();
    expect(() => FoxtrotStore.open(dir.path)).toThrow(
      new RegExp(
        `schema version ${SCHEMA_VERSION + 1}, newer than this Foxtrot reads \\(${SCHEMA_VERSION}\\)`,
      ),
    );
  });

  it('journals streams in order and keeps the order, fill and position views with them', async () => {
    const store = FoxtrotStore.open(dir.path);
    journalOrderLife(store, 'o-1');
    store.write(() => {
      appendJournal(store, 'execution', [
        {
          stream: STREAM.order('o-2'),
          type: 'Submitted',
          at: 4,
          data: { order: order('o-2', 'SUBMITTED'), event: { type: 'Submitted' } },
        },
      ]);
    });
    expect([...readStream(store, STREAM.order('o-1'))].map((r) => [r.seq, r.type])).toEqual([
      [1, 'Submitted'],
      [2, 'Accepted'],
      [3, 'Filled'],
    ]);
    expect([...store.dbs.openOrders.getKeys()]).toEqual(['o-2']);
    expect([...store.dbs.ordersByStatus.getKeys()]).toEqual([
      ['FILLED', 'BTCUSDT.SIM', 'o-1'],
      ['SUBMITTED', 'BTCUSDT.SIM', 'o-2'],
    ]);
    expect([...store.dbs.fills.getKeys()]).toEqual([['o-1', 3]]);
    expect([...store.dbs.fillsByTime.getKeys()]).toEqual([[3, 'o-1', 3]]);
    expect(checkIntegrity(store)).toMatchObject({ ok: true, journalRecords: 5 });
    await store.close();
  });

  it('prepares a commit (numbering, encoding) without writing anything, and writes it whole in one transaction', async () => {
    const store = FoxtrotStore.open(dir.path);
    const stream = STREAM.order('p-1');
    const counts = () => Object.values(store.dbs).reduce((sum, db) => sum + db.getCount(), 0);
    const before = counts();
    const prepared = prepareActorCommit(store, 'execution', {
      progress: { endpointKey: 'execution@1', watermarks: {}, outgoing: { links: {}, unresolved: {} } },
      journal: [
        {
          stream,
          type: 'Filled',
          at: 3,
          data: {
            order: order('p-1', 'FILLED', '1'),
            event: { type: 'Filled', tradeId: 't-p-1', quantity: '1', price: '100' },
          },
        },
      ],
    });
    expect(counts()).toBe(before);
    store.write(() => {
      writePreparedCommit(store, prepared);
    });
    expect([...readStream(store, stream)].map((record) => record.seq)).toEqual([1]);
    expect([...store.dbs.fills.getKeys()]).toEqual([['p-1', 1]]);
    expect(store.statusOf('p-1')).toBe('FILLED');
    await store.close();
  });

  it('saves an actor state in two records and reads it back whole', async () => {
    const store = FoxtrotStore.open(dir.path);
    const progress = {
      endpointKey: 'a@1',
      watermarks: { 'b@1': 4 },
      outgoing: { links: {}, unresolved: {} },
    };
    store.write(() => {
      writeActorCommit(store, 'a', {
        machine: { machine: { value: 'x' } as never, timers: [] },
        progress,
        journal: [],
      });
    });
    store.write(() => {
      writeActorCommit(store, 'a', { progress: { ...progress, watermarks: { 'b@1': 9 } }, journal: [] });
    });
    expect(readActorState(store, 'a')).toEqual({
      machine: { value: 'x' },
      timers: [],
      ...progress,
      watermarks: { 'b@1': 9 },
    });
    await store.close();
  });

  it('detects a flipped byte in a record on disk and names its key', async () => {
    let store = FoxtrotStore.open(dir.path);
    journalOrderLife(store, 'flip-me-please');
    await store.close();
    const file = join(storePathOf(dir.path), 'data.mdb');
    const bytes = readFileSync(file);
    // The trade id appears only in the fill record's body (the fill view has it too: both must be caught).
    const at = bytes.indexOf(Buffer.from('t-flip-me-please'));
    expect(at).toBeGreaterThan(0);
    bytes[at + 2] = (bytes[at + 2] ?? 0) ^ 0x01;
    writeFileSync(file, bytes);
    store = FoxtrotStore.open(dir.path, { readOnly: true });
    const report = checkIntegrity(store);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.problem).join('\n')).toMatch(/checksum mismatch/);
    expect(report.problems.some((p) => JSON.stringify(p.key).includes('flip-me-please'))).toBe(true);
    await store.close();
  });

  it('finds an order in the view that no stream accounts for, and one missing from the view', async () => {
    const store = FoxtrotStore.open(dir.path);
    journalOrderLife(store, 'o-1');
    journalOrderLife(store, 'o-2');
    // Both orders buy 1 and the position record says 1: the fold of the fills is not what this is about.
    expect(checkIntegrity(store, { fold: false }).ok).toBe(true);
    store.write(() => {
      store.dbs.orders.putSync('ghost', store.dbs.orders.get('o-1'));
      store.dbs.orders.removeSync('o-2');
    });
    const problems = checkIntegrity(store, { fold: false }).problems.map(
      (p) => `${JSON.stringify(p.key)} ${p.problem}`,
    );
    expect(problems).toEqual([
      '"o-2" missing from the view; its stream ends at FILLED',
      '"ghost" in the view, but the journal has no stream for it',
    ]);
    await store.close();
  });

  it('detects a duplicated event and an out-of-order record in a stream', async () => {
    const store = FoxtrotStore.open(dir.path);
    journalOrderLife(store, 'o-1');
    const stream = STREAM.order('o-1');
    store.write(() => {
      // The fill record written again after the stream's head: same trade, next key.
      const fill = decodeRecord<{ seq: number }>(store.dbs.journal.get([stream, 3]) as Uint8Array);
      store.dbs.journal.putSync([stream, 4], encodeRecord({ ...fill, seq: 4 }));
      store.dbs.streams.putSync(stream, 4);
      // A record whose body says it belongs elsewhere in the stream.
      store.dbs.journal.putSync([stream, 5], encodeRecord({ ...fill, seq: 2 }));
      store.dbs.streams.putSync(stream, 5);
    });
    const problems = checkIntegrity(store).problems.map((p) => `${JSON.stringify(p.key)} ${p.problem}`);
    expect(problems).toContain(`["order:o-1",4] duplicated event: fill t-o-1 again`);
    expect(problems).toContain(`["order:o-1",5] out of order: the record says seq 2 under key seq 5`);
    await store.close();
  });

  it('migrates a version 1 store (records without checksums, no fills-by-time view, views holding copies)', async () => {
    const packr = new Packr({ useRecords: false });
    const path = storePathOf(dir.path);
    mkdirSync(path, { recursive: true });
    const raw = open({ path, maxDbs: 16 });
    const meta = raw.openDB({ name: 'meta' });
    const journal = raw.openDB({ name: 'journal', encoding: 'binary' });
    const streams = raw.openDB({ name: 'streams' });
    const fills = raw.openDB({ name: 'fills', encoding: 'binary' });
    const orders = raw.openDB({ name: 'orders', encoding: 'binary' });
    const filled = order('v1', 'FILLED', '1');
    raw.transactionSync(() => {
      meta.putSync('schemaVersion', 1);
      journal.putSync(
        ['order:v1', 1],
        packr.pack({
          seq: 1,
          type: 'Filled',
          at: 7,
          actor: 'execution',
          data: { order: filled, event: { type: 'Filled', tradeId: 't1', quantity: '1', price: '100' } },
        }),
      );
      streams.putSync('order:v1', 1);
      orders.putSync('v1', packr.pack(filled));
      fills.putSync(['v1', 1], packr.pack({ clientOrderId: 'v1', tradeId: 't1', at: 7 }));
    });
    await raw.close();
    const store = FoxtrotStore.open(dir.path);
    expect(store.migrated).toEqual([
      '1 -> 2: frame records with checksums; rebuild the order and fill views from the journal',
      '2 -> 3: point the orders and fills views at journal records instead of copying them',
    ]);
    expect(store.schemaVersion).toBe(3);
    expect([...fillsOf(store)]).toEqual([
      {
        clientOrderId: 'v1',
        instrumentId: 'BTCUSDT.SIM',
        side: 'BUY',
        tradeId: 't1',
        quantity: '1',
        price: '100',
        at: 7,
      },
    ]);
    expect(checkIntegrity(store, { fold: false }).problems).toEqual([]);
    expect([...readStream(store, 'order:v1')][0]).toMatchObject({ seq: 1, type: 'Filled' });
    expect([...store.dbs.fillsByTime.getKeys()]).toEqual([[7, 'v1', 1]]);
    expect(orderOf(store, 'v1')).toEqual(filled);
    await store.close();
  });
});
