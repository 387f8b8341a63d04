import { Decimal } from '../domain/decimal.ts';
import type { Order } from '../domain/order.ts';
import { DB, type JournalRecord } from './layout.ts';
import { decodeRecord } from './record-codec.ts';
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
  const lastOrders = new Map<string, Order>();
  const netQuantity = new Map<string, Decimal>();
  let journalRecords = 0;
  const heads: Record<string, number> = {};
  let stream: string | undefined;
  let expected = 0;
  let tradeIds = new Set<string>();
  const endStream = () => {
    if (stream === undefined) return;
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
      if (event.type !== 'Refused') lastOrders.set(order.clientOrderId, order);
    }
  }
  endStream();
  for (const [id, order] of lastOrders) {
    const value = dbs.orders.get(id);
    let view: Order | undefined;
    try {
      view = value === undefined ? undefined : orderOfView(value as Uint8Array);
    } catch (error) {
      report(DB.orders, id, (error as Error).message);
    }
    if (view !== undefined && view.status !== order.status) {
      report(DB.orders, id, `view says ${view.status}, its stream ends at ${order.status}`);
    }
  }
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
      try {
        decodeRecord(value as Uint8Array);
      } catch (error) {
        report(DB[name], key, (error as Error).message);
      }
    }
  }
  if (options.fold !== false) checkPositions(store, netQuantity, report);
  return { ok: problems.length === 0, journalRecords, heads, problems };
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
