import type { Order } from '../../src/domain/order.ts';
import type { ActorIO } from '../../src/index.ts';

/**
 * Execution's metrics: orders by status (read from the actor's order book at each collection) and fills by
 * instrument and side.
 */
export function executionMetrics(io: ActorIO) {
  let orders: Readonly<Record<string, Order>> = {};
  io.meter
    .createObservableGauge('foxtrot.orders', { description: 'Orders execution holds, by status' })
    .addCallback((result) => {
      const counts = new Map<string, number>();
      for (const order of Object.values(orders))
        counts.set(order.status, (counts.get(order.status) ?? 0) + 1);
      for (const [status, count] of counts) result.observe(count, { 'foxtrot.actor.id': io.self, status });
    });
  const fills = io.meter.createCounter('foxtrot.fills', { description: 'Fills applied to orders' });
  return {
    /** The order book as it stands after a message: what the next collection counts. */
    seen(book: Readonly<Record<string, Order>>): void {
      orders = book;
    },
    filled(order: Order): void {
      fills.add(1, { instrument: order.instrumentId, side: order.side });
    },
  };
}
