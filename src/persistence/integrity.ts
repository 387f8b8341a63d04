import { Decimal } from '../domain/decimal.ts';
import { readJournalHead } from './journal-head.ts';
import { DB, type JournalRecord } from './layout.ts';
import { checkFrame, checksumOf, decodeCheckedRecord, decodeRecord } from './record-codec.ts';
import type { FoxtrotStore } from './store.ts';
import { type OrderRecordData, orderOfView } from './views.ts';

export interface IntegrityProblem {
  /** The sub-database and the key of the record at fault. */
  db: string;
  key: unknown;
  problem: string;
}

export interface IntegrityReport {
  ok: boolean;
  journalRecords: number;
  /** The last sequence number of each stream with records. */
  heads: Record<string, number>;
  problems: IntegrityProblem[];
}

const MAX_PROBLEMS = 100;

export interface IntegrityOptions {
  /**
   * Also check that positions equal the fold of the journaled fills. Right after a kill they may not, and that
   * is no corruption: a fill execution journaled and sent may not have reached the portfolio, whose copy waits
   * in execution's saved outbox for the next start. So a node's start leaves it out; inspect of a store
   * stopped cleanly includes it.
   */
  fold?: boolean;
}

/**
 * Checks the store before a node trades on it: every record decodes (checksums hold), each stream runs 1, 2, 3...
 * with no gap, repeat or stray record, its head matches, no fill is journaled twice, the order views match their
 * streams, and (with `fold`) each position equals the fold of the journaled fills.
 */
export function checkIntegrity(store: FoxtrotStore, options: IntegrityOptions = {}): IntegrityReport {
  const problems: IntegrityProblem[] = [];
  const report = (db: string, key: unknown, problem: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ db, key, problem });
  };
  const { dbs } = store;
  /** The last record (not a refusal) of the order stream being read: the orders view must hold the same. */
  let lastOrder: LastOrderRecord | undefined;
  /** Order streams the orders view has an entry for. */
  let viewedOrders = 0;
  const netQuantity = new Map<string, Decimal>();
  let journalRecords = 0;
  const heads: Record<string, number> = {};
  let stream: string | undefined;
  let expected = 0;
  let tradeIds = new Set<string>();
  const endStream = () => {
    if (stream === undefined) return;
    if (lastOrder !== undefined && checkOrderView(store, lastOrder, report)) viewedOrders += 1;
    lastOrder = undefined;
    heads[stream] = expected - 1;
    const head = dbs.streams.get(stream) as number | undefined;
    if (head !== undefined && head !== expected - 1) {
      report(DB.streams, stream, `head says ${head}, the stream ends at ${expected - 1}`);
    }
  };
  for (const { key, value } of dbs.journal.getRange()) {
    journalRecords++;
    const [name, seq] = key as [string, number];
    if (name !== stream) {
      endStream();
      stream = name;
      expected = seq;
      tradeIds = new Set();
    }
    const bytes = value as Uint8Array;
    const damaged = checkFrame(bytes);
    if (damaged !== undefined) {
      report(DB.journal, key, damaged);
      expected = seq + 1;
      continue;
    }
    // Most records need only their seq and type, read off their bytes; fills (and records laid out otherwise) are
    // decoded in full.
    let record: JournalRecord | undefined;
    let head = readJournalHead(bytes);
    if (head === undefined || (head.type === 'Filled' && name.startsWith(ORDER_STREAM))) {
      try {
        record = decodeCheckedRecord<JournalRecord>(bytes);
        head = record;
      } catch (error) {
        report(DB.journal, key, (error as Error).message);
        expected = seq + 1;
        continue;
      }
    }
    if (head.seq !== seq) {
      report(DB.journal, key, `out of order: the record says seq ${head.seq} under key seq ${seq}`);
    } else if (seq !== expected) {
      report(
        DB.journal,
        key,
        `seq ${seq} follows ${expected - 1}: ${seq < expected ? 'repeated' : 'records missing'}`,
      );
    }
    expected = seq + 1;
    if (name.startsWith(ORDER_STREAM)) {
      if (head.type === 'Filled') {
        const { order, event } = (record as JournalRecord).data as OrderRecordData & {
          event: { type: 'Filled'; tradeId: string; quantity: string };
        };
        if (tradeIds.has(event.tradeId))
          report(DB.journal, key, `duplicated event: fill ${event.tradeId} again`);
        tradeIds.add(event.tradeId);
        const signed = Decimal.parse(event.quantity);
        const delta = order.side === 'BUY' ? signed : signed.neg();
        netQuantity.set(
          order.instrumentId,
          (netQuantity.get(order.instrumentId) ?? Decimal.zero()).add(delta),
        );
      }
      if (head.type !== 'Refused') {
        lastOrder = { key: [name, seq], checksum: checksumOf(bytes), length: bytes.length };
      }
    }
  }
  endStream();
  // Each order stream's view was compared with the stream, byte for byte (its checksum and length): only entries
  // no stream accounts for are left to find, and the view's count (LMDB keeps it) says whether there are any.
  if ((dbs.orders.getStats() as { entryCount: number }).entryCount !== viewedOrders) {
    for (const id of dbs.orders.getKeys()) {
      const stream = `${ORDER_STREAM}${String(id)}`;
      const records = dbs.journal.getKeysCount({ start: [stream], end: [stream, Number.MAX_SAFE_INTEGER] });
      if (records === 0) report(DB.orders, id, 'in the view, but the journal has no stream for it');
    }
  }
  // The other views' records are copies of journal records or flags: their checksums are what can be wrong.
  for (const name of [
    'openOrders',
    'ordersByStatus',
    'fills',
    'fillsByTime',
    'accounts',
    'actors',
  ] as const) {
    for (const { key, value } of dbs[name].getRange()) {
      const problem = checkFrame(value as Uint8Array);
      if (problem !== undefined) report(DB[name], key, problem);
    }
  }
  if (options.fold !== false) checkPositions(store, netQuantity, report);
  return { ok: problems.length === 0, journalRecords, heads, problems };
}

const ORDER_STREAM = 'order:';

/** Where the last record of an order stream is, and what its bytes' checksum and length are. */
interface LastOrderRecord {
  key: [string, number];
  checksum: number;
  length: number;
}

/**
 * The orders view must hold the order stream's last record (the same bytes: its checksum and length agree).
 * Whether the view has an entry for the order at all.
 */
function checkOrderView(
  store: FoxtrotStore,
  last: LastOrderRecord,
  report: (db: string, key: unknown, problem: string) => void,
): boolean {
  const id = last.key[0].slice(ORDER_STREAM.length);
  const value = store.dbs.orders.get(id) as Uint8Array | undefined;
  if (value !== undefined && value.length === last.length && checksumOf(value) === last.checksum) return true;
  // Only a mismatch needs the stream's last order: its status says what the view lacks.
  const lastStatus = orderOfView(store.dbs.journal.get(last.key) as Uint8Array).status;
  if (value === undefined) {
    report(DB.orders, id, `missing from the view; its stream ends at ${lastStatus}`);
    return false;
  }
  let status: string;
  try {
    status = orderOfView(value).status;
  } catch (error) {
    report(DB.orders, id, (error as Error).message);
    return true;
  }
  report(DB.orders, id, `view says ${status}, its stream ends at ${lastStatus}`);
  return true;
}

function checkPositions(
  store: FoxtrotStore,
  netQuantity: Map<string, Decimal>,
  report: (db: string, key: unknown, problem: string) => void,
): void {
  const { dbs } = store;
  const held = new Map<string, Decimal>();
  for (const { key, value } of dbs.positions.getRange()) {
    try {
      const position = decodeRecord<{ instrumentId: string; quantity: string }>(value as Uint8Array);
      held.set(
        position.instrumentId,
        (held.get(position.instrumentId) ?? Decimal.zero()).add(Decimal.parse(position.quantity)),
      );
    } catch (error) {
      report(DB.positions, key, (error as Error).message);
    }
  }
  for (const instrumentId of new Set([...netQuantity.keys(), ...held.keys()])) {
    const folded = netQuantity.get(instrumentId) ?? Decimal.zero();
    const quantity = held.get(instrumentId) ?? Decimal.zero();
    if (!quantity.eq(folded)) {
      report(DB.positions, instrumentId, `positions hold ${quantity}, but the journaled fills net ${folded}`);
    }
  }
}
