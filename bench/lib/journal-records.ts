import { instrumentOf } from '../../src/domain/instrument.ts';
import { createOrder } from '../../src/domain/order.ts';
import type { JournalEntry } from '../../src/persistence/journal.ts';
import { STREAM } from '../../src/persistence/layout.ts';
import { benchSpec } from './instrument.ts';

/**
 * Journal entries as execution writes them: each order's stream gets Submitted, Accepted, then a fill, each with
 * the order as it stands after the event.
 */
export function orderEntries(count: number, prefix = 'o'): JournalEntry[] {
  const instrument = instrumentOf(benchSpec);
  const entries: JournalEntry[] = [];
  for (let i = 0; entries.length < count; i++) {
    const id = `${prefix}-${i}`;
    const order = createOrder(
      {
        clientOrderId: id,
        strategyId: 'bench',
        instrumentId: benchSpec.id,
        side: i % 2 === 0 ? 'BUY' : 'SELL',
        type: 'LIMIT',
        quantity: '0.010',
        price: '20000.00',
      },
      instrument,
      i,
    );
    const stream = STREAM.order(id);
    const submitted = { ...order, status: 'SUBMITTED' as const };
    const accepted = { ...order, status: 'ACCEPTED' as const, venueOrderId: `v-${i}` };
    const fill = {
      type: 'Filled' as const,
      tradeId: `t-${i}`,
      quantity: '0.010',
      price: '20000.00',
      commission: '0.04',
    };
    const filled = {
      ...accepted,
      status: 'FILLED' as const,
      filledQuantity: '0.010',
      filledNotional: '200.00000',
      tradeIds: [fill.tradeId],
    };
    entries.push(
      { stream, type: 'Submitted', at: i, data: { order: submitted, event: { type: 'Submitted' } } },
      {
        stream,
        type: 'Accepted',
        at: i,
        data: { order: accepted, event: { type: 'Accepted', venueOrderId: `v-${i}` } },
      },
      { stream, type: 'Filled', at: i, data: { order: filled, event: fill } },
    );
  }
  return entries.slice(0, count);
}
