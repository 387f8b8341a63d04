import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import { appendJournal, type JournalEntry } from '../../src/persistence/journal.ts';
import { type JournalRecord, STREAM } from '../../src/persistence/layout.ts';
import { FoxtrotStore } from '../../src/persistence/store.ts';
import { defineBench } from '../lib/harness.ts';
import { orderEntries } from '../lib/journal-records.ts';

/** Entries per commit: what one actor's turn hands the store at once under load (its group commit). */
const GROUP = 256;

interface Context {
  dirs: string[];
  raw: RootDatabase;
  process: FoxtrotStore;
  fsync: FoxtrotStore;
  entries: JournalEntry[];
  records: JournalRecord[];
  round: number;
}

/**
 * The entries as new orders of their own: each round journals orders the store has not seen, with ids that sort
 * after the earlier rounds' (as a node's ids grow), so a round appends to the views rather than writing all over
 * them.
 */
function ofRound(entries: JournalEntry[], round: number): JournalEntry[][] {
  const groups: JournalEntry[][] = [];
  for (let i = 0; i < entries.length; i += GROUP) {
    groups.push(
      entries.slice(i, i + GROUP).map((entry) => {
        const data = entry.data as { order: { clientOrderId: string } };
        const clientOrderId = `r${String(round).padStart(4, '0')}-${data.order.clientOrderId}`;
        return {
          ...entry,
          stream: STREAM.order(clientOrderId),
          data: { ...data, order: { ...data.order, clientOrderId } },
        };
      }),
    );
  }
  return groups;
}

/** The journal's own path: numbered per stream, framed with a checksum, projected into the views. */
function journalRate(store: FoxtrotStore, entries: JournalEntry[], round: number): { rate: number } {
  const groups = ofRound(entries, round);
  const started = performance.now();
  for (const group of groups) {
    store.write(() => {
      appendJournal(store, 'execution', group);
    });
  }
  return { rate: entries.length / ((performance.now() - started) / 1000) };
}

export const journalBench = defineBench<Context>({
  name: 'journal',
  description:
    'Order events journaled with group commit (a synchronous transaction per 256 events: numbering, checksums, ' +
    'the order, status and fill views), in both durability modes, against raw lmdb-js batched puts of the same ' +
    'records (lmdb-js encoding them, one put each, no views).',
  baseline: 'raw-batched-puts',
  metrics: { rate: { unit: 'events/s', better: 'higher' } },
  async setup(quick) {
    const dirs = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'foxtrot-bench-journal-')));
    const entries = orderEntries(quick ? 50_000 : 200_000);
    const records = entries.map(
      (entry, seq): JournalRecord => ({
        seq,
        type: entry.type,
        at: entry.at,
        actor: 'execution',
        data: entry.data,
      }),
    );
    return {
      dirs,
      raw: open({ path: join(dirs[0] as string, 'raw') }),
      process: FoxtrotStore.open(dirs[1] as string, { durability: 'process' }),
      fsync: FoxtrotStore.open(dirs[2] as string, { durability: 'fsync' }),
      entries,
      records,
      round: 0,
    };
  },
  variants: {
    'raw-batched-puts': async (c) => {
      c.round += 1;
      const started = performance.now();
      let last: Promise<boolean> | undefined;
      for (const [i, entry] of c.entries.entries())
        last = c.raw.put([entry.stream, c.round, i], c.records[i]);
      await last;
      return { rate: c.entries.length / ((performance.now() - started) / 1000) };
    },
    'journal-process': async (c) => journalRate(c.process, c.entries, ++c.round),
    'journal-fsync': async (c) => journalRate(c.fsync, c.entries, ++c.round),
  },
  async teardown(c) {
    await c.raw.close();
    await c.process.close();
    await c.fsync.close();
    for (const dir of c.dirs) rmSync(dir, { recursive: true, force: true });
  },
  targets: [
    {
      description: 'journal (process durability) >= 0.5x raw batched puts',
      variant: 'journal-process',
      metric: 'rate',
      check: (value, baseline) => value >= 0.5 * baseline,
    },
    {
      description: 'journal (fsync durability) >= 0.5x raw batched puts',
      variant: 'journal-fsync',
      metric: 'rate',
      check: (value, baseline) => value >= 0.5 * baseline,
    },
  ],
});
