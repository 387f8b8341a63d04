import { Decimal } from '../domain/decimal.ts';
import { DB, type JournalRecord } from './layout.ts';
import { checkFrame, checksumOf, decodeRecord } from './record-codec.ts';
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
  let lastOrder: { id: string; status: string; checksum: number; length: number } | undefined;
  const netQuantity = new Map<string, Decimal>();
  let journalRecords = 0;
  const heads: Record<string, number> = {};
  let stream: string | undefined;
  let expected = 0;
  let tradeIds = new Set<string>();
  const endStream = () => {
    if (stream === undefined) return;
    if (lastOrder !== undefined) checkOrderView(store, lastOrder, report);
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
    let record: JournalRecord;
    try {
      record = decodeRecord<JournalRecord>(value as Uint8Array);
    } catch (error) {
      report(DB.journal, key, (error as Error).message);
      expected = seq + 1;
      continue;
    }
    if (record.seq !== seq) {
      report(DB.journal, key, `out of order: the record says seq ${record.seq} under key seq ${seq}`);
    } else if (seq !== expected) {
      report(
        DB.journal,
        key,
        `seq ${seq} follows ${expected - 1}: ${seq < expected ? 'repeated' : 'records missing'}`,
      );
    }
    expected = seq + 1;
    if (name.startsWith('order:')) {
      const { order, event } = record.data as OrderRecordData;
      if (event.type === 'Filled') {
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
      if (event.type !== 'Refused') {
        const bytes = value as Uint8Array;
        lastOrder = {
          id: order.clientOrderId,
          status: order.status,
          checksum: checksumOf(bytes),
          length: bytes.length,
        };
      }
    }
  }
  endStream();
  // The views' records are copies of journal records or flags: their checksums are what can be wrong.
  for (const name of [
    'orders',
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

/** The orders view must hold the order stream's last record (the same bytes: its checksum and length agree). */
function checkOrderView(
  store: FoxtrotStore,
  last: { id: string; status: string; checksum: number; length: number },
  report: (db: string, key: unknown, problem: string) => void,
): void {
  const value = store.dbs.orders.get(last.id) as Uint8Array | undefined;
  if (value === undefined) {
    report(DB.orders, last.id, `missing from the view; its stream ends at ${last.status}`);
    return;
  }
  if (value.length === last.length && checksumOf(value) === last.checksum) return;
  let status: string;
  try {
    status = orderOfView(value).status;
  } catch (error) {
    report(DB.orders, last.id, (error as Error).message);
    return;
  }
  report(DB.orders, last.id, `view says ${status}, its stream ends at ${last.status}`);
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
