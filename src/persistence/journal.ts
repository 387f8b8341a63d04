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

/**
 * Appends entries to their streams, numbering each stream from its last record, and projects them into the
 * views. Call inside a transaction (FoxtrotStore.write): the records, the stream heads and the views commit
 * together.
 */
export function appendJournal(store: FoxtrotStore, actor: string, entries: readonly JournalEntry[]): void {
  const heads = new Map<string, number>();
  const { journal, streams } = store.dbs;
  const views = new ViewProjection(store);
  for (const entry of entries) {
    const last = heads.get(entry.stream) ?? store.headOf(entry.stream);
    const record: JournalRecord = { seq: last + 1, type: entry.type, at: entry.at, actor, data: entry.data };
    const encoded = encodeRecord(record);
    journal.putSync([entry.stream, record.seq], encoded);
    heads.set(entry.stream, record.seq);
    views.add(entry.stream, record);
  }
  views.apply();
  for (const [stream, seq] of heads) {
    if (isCompacted(stream)) streams.putSync(stream, seq);
    store.noteHead(stream, seq);
  }
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
