import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reconcileOrder } from '../../actors/adapters/reconcile.ts';
import type { VenueOrderRecord } from '../../actors/adapters/venue-client.ts';
import { Decimal } from '../../src/domain/decimal.ts';
import { Instrument } from '../../src/domain/instrument.ts';
import { applyOrderEvent, createOrder, type Order, type OrderEvent } from '../../src/domain/order.ts';
import { btcOrder, btcSpec } from '../fixtures/instruments.ts';

/*
 * Reconciliation against execution's order state table: for any venue record and any belief execution could hold
 * about the same order (it saw a prefix of what the venue did, and may have a modify or cancel pending), the
 * events the adapter emits apply without a refusal, and leave the order agreeing with the venue's record.
 */
const instrument = new Instrument(btcSpec);

function apply(order: Order, event: OrderEvent): Order {
  const result = applyOrderEvent(order, event);
  if (result.outcome === 'refused') throw new Error(result.reason);
  return result.order;
}

const scenario = fc
  .record({
    venueStatus: fc.constantFrom('OPEN', 'FILLED', 'CANCELED', 'REJECTED') as fc.Arbitrary<
      VenueOrderRecord['status']
    >,
    quantity: fc.integer({ min: 1, max: 5 }),
    accepted: fc.boolean(),
    applied: fc.nat(5),
    unfilled: fc.nat(3),
    pending: fc.constantFrom(
      [],
      ['PendingUpdate'],
      ['PendingCancel'],
      ['PendingUpdate', 'PendingCancel'],
    ) as fc.Arbitrary<Array<'PendingUpdate' | 'PendingCancel'>>,
    newQuantity: fc.integer({ min: 1, max: 8 }),
    newPrice: fc.constantFrom('19999.99', '20000.00', '20100.50'),
  })
  .map((s) => {
    const rejected = s.venueStatus === 'REJECTED';
    const filled = s.venueStatus === 'FILLED';
    // What execution has seen of the venue's fills: none of a rejected order, and all of them only if filled.
    const applied = rejected ? 0 : Math.min(s.applied, filled ? s.quantity : s.quantity - 1);
    let order = apply(createOrder(btcOrder('p-1', { quantity: String(s.quantity) }), instrument, 0), {
      type: 'Submitted',
    });
    if (s.accepted) order = apply(order, { type: 'Accepted', venueOrderId: 'v-1' });
    const fill = (n: number) => ({
      tradeId: `t${n}`,
      quantity: '1',
      price: '20000.00',
      commission: '0',
      at: n,
    });
    for (let n = 1; n <= applied; n += 1) order = apply(order, { type: 'Filled', ...fill(n) });
    const pending = order.status === 'FILLED' ? [] : s.pending;
    for (const type of pending) order = apply(order, { type });
    // The venue changed the order only if a modify is the last request pending and the table can take it back
    // (it cannot return an order to SUBMITTED from PENDING_UPDATE).
    const modified = pending.at(-1) === 'PendingUpdate' && order.statusBeforePending !== 'SUBMITTED';
    const venueQuantity = modified ? Math.max(s.newQuantity, applied + 1) : s.quantity;
    const fills = rejected ? 0 : filled ? venueQuantity : Math.min(venueQuantity - 1, applied + s.unfilled);
    const record: VenueOrderRecord = {
      clientOrderId: 'p-1',
      venueOrderId: 'v-1',
      instrumentId: 'BTCUSDT.SIM',
      side: 'BUY',
      quantity: String(venueQuantity),
      price: modified ? s.newPrice : '20000.00',
      status: s.venueStatus,
      filledQuantity: String(fills),
      fills: Array.from({ length: fills }, (_, i) => fill(i + 1)),
    };
    return { order, record };
  })
  .filter(({ order, record }) => !(record.status === 'REJECTED' && order.status === 'PARTIALLY_FILLED'));

const same = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && Decimal.parse(a).eq(Decimal.parse(b));

describe('reconciling an order with the venue’s record', () => {
  it('emits events the order table takes, after which the order agrees with the venue', () => {
    fc.assert(
      fc.property(scenario, ({ order, record }) => {
        let result = order;
        for (const event of reconcileOrder(order, record)) result = apply(result, event as OrderEvent);
        const expected = {
          OPEN: Number(record.filledQuantity) > 0 ? 'PARTIALLY_FILLED' : 'ACCEPTED',
          FILLED: 'FILLED',
          CANCELED: 'CANCELED',
          REJECTED: 'REJECTED',
        }[record.status];
        expect(result.status).toBe(expected);
        if (record.status === 'REJECTED') return;
        expect(same(result.filledQuantity, record.filledQuantity)).toBe(true);
        if (record.status === 'OPEN' && order.statusBeforePending !== 'SUBMITTED') {
          expect(same(result.quantity, record.quantity)).toBe(true);
          expect(same(result.price, record.price)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('needs no trade ids from execution: fills it already has are ignored, never refused', () => {
    fc.assert(
      fc.property(scenario, ({ order, record }) => {
        const { tradeIds: _known, ...belief } = order;
        let result = order;
        for (const event of reconcileOrder(belief, record)) result = apply(result, event as OrderEvent);
        expect(same(result.filledQuantity, record.status === 'REJECTED' ? '0' : record.filledQuantity)).toBe(
          true,
        );
      }),
      { numRuns: 1000 },
    );
  });
});
