import type { Order, OrderEvent } from '../domain/order.ts';
import { isClosed } from '../domain/order-status.ts';
import type { FillView, JournalRecord } from './layout.ts';
import { decodeRecord, encodeRecord } from './record-codec.ts';
import type { FoxtrotStore } from './store.ts';

/** What an order stream's record carries: the event and the order as it stands after it. */
export interface OrderRecordData {
  order: Order;
  event: OrderEvent | { type: 'Refused'; reason: string; refused: string };
}

const TRUE = encodeRecord(true);

/**
 * Keeps the queryable views in step with the journal, inside the transaction that appends the record: a view
 * never shows what the journal does not hold, nor lags it.
 */
export function project(store: FoxtrotStore, stream: string, record: JournalRecord): void {
  const colon = stream.indexOf(':');
  const kind = colon === -1 ? stream : stream.slice(0, colon);
  const { dbs } = store;
  switch (kind) {
    case 'order': {
      const { order, event } = record.data as OrderRecordData;
      if (event.type === 'Refused') return;
      const id = order.clientOrderId;
      const previous = dbs.orders.get(id);
      if (previous) {
        const before = decodeRecord<Order>(previous as Uint8Array);
        dbs.ordersByStatus.removeSync([before.status, before.instrumentId, id]);
      }
      dbs.orders.putSync(id, encodeRecord(order));
      dbs.ordersByStatus.putSync([order.status, order.instrumentId, id], TRUE);
      if (isClosed(order.status)) dbs.openOrders.removeSync(id);
      else
        dbs.openOrders.putSync(id, encodeRecord({ instrumentId: order.instrumentId, status: order.status }));
      if (event.type === 'Filled') {
        const fill: FillView = {
          clientOrderId: id,
          instrumentId: order.instrumentId,
          side: order.side,
          tradeId: event.tradeId,
          quantity: event.quantity,
          price: event.price,
          ...(event.commission === undefined ? {} : { commission: event.commission }),
          at: record.at,
        };
        dbs.fills.putSync([id, record.seq], encodeRecord(fill));
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
