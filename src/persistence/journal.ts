import type { JournalRecord } from './layout.ts';
import { decodeRecord, encodeRecord } from './record-codec.ts';
import type { FoxtrotStore } from './store.ts';
import { ViewProjection } from './views.ts';

/** What an actor asks to journal; the store numbers it in its stream. */
export interface JournalEntry {
  stream: string;
  type: string;
  data: unknown;
  at: number;
}

/** Journal records numbered and encoded, with what they change in the views: written by writeJournal. */
export interface PreparedJournal {
  records: Array<{ key: [string, number]; encoded: Buffer }>;
  /** The last seq of each stream the records go to. */
  heads: Map<string, number>;
  views: ViewProjection;
}

/**
 * Numbers entries in their streams (from each stream's last record) and encodes them, reading the store but
 * writing nothing: an actor's commit does this before it takes LMDB's one write lock, which every other actor's
 * commit waits on. Only the actor that prepares them writes these streams, so the numbering holds until it writes.
 */
export function prepareJournal(
  store: FoxtrotStore,
  actor: string,
  entries: readonly JournalEntry[],
): PreparedJournal {
  const heads = new Map<string, number>();
  const records: PreparedJournal['records'] = [];
  const views = new ViewProjection(store);
  for (const entry of entries) {
    const last = heads.get(entry.stream) ?? store.headOf(entry.stream);
    const record: JournalRecord = { seq: last + 1, type: entry.type, at: entry.at, actor, data: entry.data };
    records.push({ key: [entry.stream, record.seq], encoded: encodeRecord(record) });
    heads.set(entry.stream, record.seq);
    views.add(entry.stream, record);
  }
  return { records, heads, views };
}

/**
 * Writes prepared records, their stream heads and their views. Call inside a transaction (FoxtrotStore.write):
 * the records, the heads and the views commit together.
 */
export function writeJournal(store: FoxtrotStore, { records, heads, views }: PreparedJournal): void {
  const { journal, streams } = store.dbs;
  for (const { key, encoded } of records) journal.putSync(key, encoded);
  views.apply();
  for (const [stream, seq] of heads) {
    if (isCompacted(stream)) streams.putSync(stream, seq);
    store.noteHead(stream, seq);
  }
}

/** Appends entries to their streams and projects them into the views. Call inside a transaction. */
export function appendJournal(store: FoxtrotStore, actor: string, entries: readonly JournalEntry[]): void {
  writeJournal(store, prepareJournal(store, actor, entries));
}

/** Streams whose records a snapshot lets go (see layout's `streams`). */
export function isCompacted(stream: string): boolean {
  return stream.startsWith('actor:');
}

/** One stream's records in order (from `afterSeq`, exclusive). Records that do not decode throw, naming the key. */
export function* readStream(store: FoxtrotStore, stream: string, afterSeq = 0): Generator<JournalRecord> {
  for (const { key, value } of store.dbs.journal.getRange({
    start: [stream, afterSeq + 1],
    end: [stream, Number.MAX_SAFE_INTEGER],
  })) {
    try {
      yield decodeRecord<JournalRecord>(value as Uint8Array);
    } catch (error) {
      throw new Error(`journal record ${JSON.stringify(key)}: ${(error as Error).message}`);
    }
  }
}
