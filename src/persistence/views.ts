import type { Order, OrderEvent } from '../domain/order.ts';
import { isClosed, type OrderStatus } from '../domain/order-status.ts';
import { type FillView, type JournalRecord, STREAM } from './layout.ts';
import { decodeRecord, encodeRecord } from './record-codec.ts';
import type { FoxtrotStore } from './store.ts';

/** What an order stream's record carries: the event and the order as it stands after it. */
export interface OrderRecordData {
  order: Order;
  event: OrderEvent | { type: 'Refused'; reason: string; refused: string };
}

const TRUE = encodeRecord(true);

/** A fill's record in its order's stream as a fill. Throws if it does not decode or is no fill. */
function fillOfRecord(value: Uint8Array): FillView {
  const record = decodeRecord<JournalRecord>(value);
  const { order, event } = record.data as OrderRecordData;
  if (event.type !== 'Filled')
    throw new Error(`record ${record.seq} of order ${order.clientOrderId} is no fill`);
  return {
    clientOrderId: order.clientOrderId,
    instrumentId: order.instrumentId,
    side: order.side,
    tradeId: event.tradeId,
    quantity: event.quantity,
    price: event.price,
    ...(event.commission === undefined ? {} : { commission: event.commission }),
    at: record.at,
  };
}

/** Every fill in the fills view (by order, then by sequence), read from the records its keys point at. */
export function* fillsOf(store: FoxtrotStore): Generator<FillView> {
  for (const key of store.dbs.fills.getKeys()) {
    const [id, seq] = key as [string, number];
    const record = store.dbs.journal.get([STREAM.order(id), seq]) as Uint8Array | undefined;
    if (record === undefined) throw new Error(`fills view: no record ${seq} in the stream of order ${id}`);
    yield fillOfRecord(record);
  }
}

/** The order an order stream's record holds (as it stood after the record's event). Throws if it does not decode. */
export function orderOfRecord(value: Uint8Array): Order {
  return (decodeRecord<JournalRecord>(value).data as OrderRecordData).order;
}

/** The sequence number of the record an orders-view value points at. Throws if it does not decode. */
export function seqOfView(value: Uint8Array): number {
  const seq = decodeRecord<unknown>(value);
  if (typeof seq !== 'number') throw new Error('orders view entry is no sequence number');
  return seq;
}

/** An order as the views have it (its stream's last record), or undefined if the views do not have it. */
export function orderOf(store: FoxtrotStore, clientOrderId: string): Order | undefined {
  const view = store.dbs.orders.get(clientOrderId) as Uint8Array | undefined;
  if (view === undefined) return undefined;
  const seq = seqOfView(view);
  const record = store.dbs.journal.get([STREAM.order(clientOrderId), seq]) as Uint8Array | undefined;
  if (record === undefined)
    throw new Error(`orders view: no record ${seq} in the stream of order ${clientOrderId}`);
  return orderOfRecord(record);
}

/** An order's last record in the records being projected, and the status its views show before them. */
interface OrderChange {
  order: Order;
  seq: number;
  before: string | undefined;
}

/**
 * Keeps the queryable views in step with the journal, inside the transaction that appends the records: a view
 * never shows what the journal does not hold, nor lags it. Records are added in journal order and the views are
 * written once per order, position and account at `apply`, with what the last record says: an order submitted,
 * accepted and filled in one commit costs one write to each view instead of one per event (and its status entry is
 * not put and removed in between); each fill is an entry of its own. The order and fill views point at journal
 * records rather than copy them: a commit writes each record's bytes once.
 */
export class ViewProjection {
  private readonly orders = new Map<string, OrderChange>();
  private readonly latest = new Map<string, { db: 'positions' | 'accounts'; key: string; data: unknown }>();
  private readonly fills: Array<{ id: string; seq: number; at: number }> = [];

  constructor(private readonly store: FoxtrotStore) {}

  add(stream: string, record: JournalRecord): void {
    const colon = stream.indexOf(':');
    const kind = colon === -1 ? stream : stream.slice(0, colon);
    switch (kind) {
      case 'order': {
        const { order, event } = record.data as OrderRecordData;
        if (event.type === 'Refused') return;
        const id = order.clientOrderId;
        const change = this.orders.get(id);
        if (change === undefined) {
          // The first record of an order's stream: the order is not in the views yet (no read needed).
          const before = record.seq === 1 ? undefined : this.store.statusOf(id);
          this.orders.set(id, { order, seq: record.seq, before });
        } else {
          change.order = order;
          change.seq = record.seq;
        }
        if (event.type === 'Filled') this.fills.push({ id, seq: record.seq, at: record.at });
        return;
      }
      case 'position':
        this.latest.set(stream, { db: 'positions', key: stream.slice(colon + 1), data: record.data });
        return;
      case 'account':
        this.latest.set(stream, { db: 'accounts', key: stream.slice(colon + 1), data: record.data });
        return;
      default:
        return;
    }
  }

  /**
   * Writes what the records added since the last call leave in the views. Call inside the transaction that writes
   * the records; `add` only reads, so that a commit may prepare its records before it takes the write lock.
   */
  apply(): void {
    const { dbs } = this.store;
    for (const { id, seq, at } of this.fills) {
      dbs.fills.putSync([id, seq], TRUE);
      dbs.fillsByTime.putSync([at, id, seq], TRUE);
    }
    this.fills.length = 0;
    for (const [id, { order, seq, before }] of this.orders) {
      dbs.orders.putSync(id, encodeRecord(seq));
      if (before === order.status) continue;
      if (before !== undefined) dbs.ordersByStatus.removeSync([before, order.instrumentId, id]);
      dbs.ordersByStatus.putSync([order.status, order.instrumentId, id], TRUE);
      const wasOpen = before !== undefined && !isClosed(before as OrderStatus);
      if (isClosed(order.status)) {
        if (wasOpen) dbs.openOrders.removeSync(id);
      } else if (!wasOpen) dbs.openOrders.putSync(id, TRUE);
      this.store.noteStatus(id, order.status);
    }
    this.orders.clear();
    for (const { db, key, data } of this.latest.values()) dbs[db].putSync(key, encodeRecord(data));
    this.latest.clear();
  }
}
