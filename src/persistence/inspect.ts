import type { Order } from '../domain/order.ts';
import { savedActorIds } from './actor-states.ts';
import { checkIntegrity, type IntegrityReport } from './integrity.ts';
import { decodeRecord } from './record-codec.ts';
import type { FoxtrotStore } from './store.ts';
import { orderOf } from './views.ts';

export interface StoreReport {
  path: string;
  schemaVersion: number;
  incarnation: number;
  counts: Record<string, number>;
  actors: string[];
  openOrders: Array<
    Pick<
      Order,
      'clientOrderId' | 'instrumentId' | 'side' | 'type' | 'status' | 'quantity' | 'filledQuantity'
    > & { price?: string }
  >;
  positions: unknown[];
  balances: Record<string, unknown>;
  /** The last sequence number of each stream. */
  streams: Record<string, number>;
  integrity: Omit<IntegrityReport, 'heads'>;
}

function decodeOrNull<T>(value: unknown): T | null {
  try {
    return decodeRecord<T>(value as Uint8Array);
  } catch {
    // Integrity names the record that does not decode; the listing leaves it out.
    return null;
  }
}

/** Everything `foxtrot inspect` prints, read straight from the store. */
export function inspectStore(store: FoxtrotStore): StoreReport {
  const { dbs } = store;
  const counts: Record<string, number> = {};
  for (const [name, db] of Object.entries(dbs)) counts[name] = db.getCount();
  const openOrders: StoreReport['openOrders'] = [];
  for (const id of dbs.openOrders.getKeys()) {
    let order: Order | undefined;
    try {
      order = orderOf(store, String(id));
      if (order === undefined) continue;
    } catch {
      // Integrity names the record that does not decode; the listing leaves it out.
      continue;
    }
    openOrders.push({
      clientOrderId: order.clientOrderId,
      instrumentId: order.instrumentId,
      side: order.side,
      type: order.type,
      status: order.status,
      quantity: order.quantity,
      filledQuantity: order.filledQuantity,
      ...(order.price === undefined ? {} : { price: order.price }),
    });
  }
  const positions = [...dbs.positions.getRange()]
    .map(({ value }) => decodeOrNull(value))
    .filter((p) => p !== null);
  const balances: Record<string, unknown> = {};
  for (const { key, value } of dbs.accounts.getRange()) {
    const balance = decodeOrNull(value);
    if (balance !== null) balances[String(key)] = balance;
  }
  const { heads: streams, ...integrity } = checkIntegrity(store);
  return {
    path: store.path,
    schemaVersion: store.schemaVersion,
    incarnation: store.incarnation,
    counts,
    actors: savedActorIds(store),
    openOrders,
    positions,
    balances,
    streams,
    integrity,
  };
}

/** The report for a person: the figures first, then the orders and positions, then each problem found. */
export function formatStoreReport(report: StoreReport): string {
  const lines = [
    `store ${report.path}`,
    `schema version ${report.schemaVersion}, ${report.incarnation} node start(s)`,
    `journal: ${report.counts.journal} records in ${Object.keys(report.streams).length} streams; ${report.counts.orders} orders, ` +
      `${report.counts.fills} fills; state saved for ${report.actors.length} actors (${report.actors.join(', ')})`,
    `open orders (${report.openOrders.length}):`,
    ...report.openOrders.map(
      (o) =>
        `  ${o.clientOrderId} ${o.instrumentId} ${o.side} ${o.type} ${o.quantity}` +
        `${o.price === undefined ? '' : ` @ ${o.price}`} ${o.status} filled ${o.filledQuantity}`,
    ),
    `positions (${report.positions.length}):`,
    ...report.positions.map((p) => `  ${JSON.stringify(p)}`),
    'balances:',
    ...Object.entries(report.balances).map(([currency, b]) => `  ${currency} ${JSON.stringify(b)}`),
    report.integrity.ok
      ? `integrity: ok (${report.integrity.journalRecords} journal records checked)`
      : `integrity: FAILED, ${report.integrity.problems.length} problem(s):`,
    ...report.integrity.problems.map((p) => `  ${p.db} ${JSON.stringify(p.key)}: ${p.problem}`),
  ];
  return `${lines.join('\n')}\n`;
}
