import type { Order, OrderEvent } from '../domain/order.ts';
import { isClosed, type OrderStatus } from '../domain/order-status.ts';
import type { FillView, JournalRecord } from './layout.ts';
import { decodeRecord, encodeRecord } from './record-codec.ts';
import type { FoxtrotStore } from './store.ts';

/** What an order stream's record carries: the event and the order as it stands after it. */
export interface OrderRecordData {
  order: Order;
  event: OrderEvent | { type: 'Refused'; reason: string; refused: string };
}

const TRUE = encodeRecord(true);

/** A fills-view value (the fill's record in its order's stream) as a fill. Throws if it does not decode. */
export function fillOfView(value: Uint8Array): FillView {
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

/** The order an orders-view value holds (the last record of its stream). Throws if it does not decode. */
export function orderOfView(value: Uint8Array): Order {
  return (decodeRecord<JournalRecord>(value).data as OrderRecordData).order;
}

/**
 * Keeps the queryable views in step with the journal, inside the transaction that appends the record: a view
 * never shows what the journal does not hold, nor lags it.
 */
export function project(store: FoxtrotStore, stream: string, record: JournalRecord, encoded: Buffer): void {
  const colon = stream.indexOf(':');
  const kind = colon === -1 ? stream : stream.slice(0, colon);
  const { dbs } = store;
  switch (kind) {
    case 'order': {
      const { order, event } = record.data as OrderRecordData;
      if (event.type === 'Refused') return;
      const id = order.clientOrderId;
      // The first record of an order's stream: the order is not in the views yet (no read needed).
      const before = record.seq === 1 ? undefined : store.statusOf(id);
      // The view holds the record itself: the journal encoded it already, and order flow cannot pay twice.
      dbs.orders.putSync(id, encoded);
      if (before !== order.status) {
        if (before !== undefined) dbs.ordersByStatus.removeSync([before, order.instrumentId, id]);
        dbs.ordersByStatus.putSync([order.status, order.instrumentId, id], TRUE);
        if (isClosed(order.status)) dbs.openOrders.removeSync(id);
        else if (before === undefined || isClosed(before as OrderStatus)) dbs.openOrders.putSync(id, TRUE);
        store.noteStatus(id, order.status);
      }
      if (event.type === 'Filled') {
        dbs.fills.putSync([id, record.seq], encoded);
        dbs.fillsByTime.putSync([record.at, id, record.seq], TRUE);
      }
      return;
    }
    case 'position':
      dbs.positions.putSync(stream.slice(colon + 1), encodeRecord(record.data));
      return;
    case 'account':
      dbs.accounts.putSync(stream.slice(colon + 1), encodeRecord(record.data));
      return;
    default:
      return;
  }
}
