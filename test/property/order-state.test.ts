import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Instrument } from '../../src/domain/instrument.ts';
import { applyOrderEvent, createOrder, type Order, type OrderEvent } from '../../src/domain/order.ts';
import type { OrderStatus } from '../../src/domain/order-status.ts';
import { ORDER_TYPES, type OrderType } from '../../src/domain/order-types.ts';
import { btcSpec } from '../fixtures/instruments.ts';

/*
 * The order state machine against the table in the issue, transcribed here separately from the implementation:
 * random sequences of venue and node events on random order types; after each event, the outcome (applied,
 * ignored, refused) and the status must be what the table says.
 */
const TABLE: Record<string, string> = {
  INITIALIZED: 'DENIED SUBMITTED ACCEPTED REJECTED CANCELED EXPIRED TRIGGERED',
  SUBMITTED: 'PENDING_UPDATE PENDING_CANCEL REJECTED CANCELED ACCEPTED PARTIALLY_FILLED FILLED',
  ACCEPTED: 'REJECTED PENDING_UPDATE PENDING_CANCEL CANCELED TRIGGERED EXPIRED PARTIALLY_FILLED FILLED',
  CANCELED: 'PARTIALLY_FILLED FILLED',
  PENDING_UPDATE:
    'REJECTED ACCEPTED CANCELED EXPIRED TRIGGERED PENDING_UPDATE PENDING_CANCEL PARTIALLY_FILLED FILLED',
  PENDING_CANCEL: 'REJECTED PENDING_CANCEL CANCELED EXPIRED ACCEPTED PARTIALLY_FILLED FILLED',
  TRIGGERED: 'REJECTED PENDING_UPDATE PENDING_CANCEL CANCELED EXPIRED PARTIALLY_FILLED FILLED',
  PARTIALLY_FILLED: 'PENDING_UPDATE PENDING_CANCEL CANCELED EXPIRED PARTIALLY_FILLED FILLED',
};
const allowed = (from: string, to: string) => (TABLE[from] ?? '').split(' ').includes(to);
const triggered = (type: OrderType) => /STOP|IF_TOUCHED/.test(type);

const instrument = new Instrument(btcSpec);

const event: fc.Arbitrary<OrderEvent> = fc.oneof(
  fc.constantFrom<OrderEvent>(
    { type: 'Denied', reason: 'risk' },
    { type: 'Submitted' },
    { type: 'Accepted' },
    { type: 'Rejected', reason: 'venue' },
    { type: 'Canceled' },
    { type: 'Expired' },
    { type: 'Triggered' },
    { type: 'PendingUpdate' },
    { type: 'PendingCancel' },
    { type: 'Updated' },
    { type: 'ModifyRejected', reason: 'venue' },
    { type: 'CancelRejected', reason: 'venue' },
  ),
  // Few trade ids and round quantities, so that duplicates, exact completions and overfills all happen often.
  fc
    .record({
      trade: fc.integer({ min: 1, max: 6 }),
      quantity: fc.constantFrom('0.500', '1.000', '1.500', '2.000', '0.001'),
    })
    .map(({ trade, quantity }) => ({
      type: 'Filled' as const,
      tradeId: `t${trade}`,
      quantity,
      price: '100.00',
    })),
);

const STATUS_OF: Record<string, OrderStatus> = {
  Denied: 'DENIED',
  Submitted: 'SUBMITTED',
  Accepted: 'ACCEPTED',
  Rejected: 'REJECTED',
  Canceled: 'CANCELED',
  Expired: 'EXPIRED',
  Triggered: 'TRIGGERED',
  PendingUpdate: 'PENDING_UPDATE',
  PendingCancel: 'PENDING_CANCEL',
};

describe('order state machine', () => {
  it('follows the transition table exactly, on every order type', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ORDER_TYPES), fc.array(event, { maxLength: 40 }), (type, events) => {
        const request = {
          clientOrderId: 'o-1',
          strategyId: 's',
          instrumentId: 'BTCUSDT.SIM',
          side: 'BUY' as const,
          type,
          quantity: '2.000',
          ...(/LIMIT/.test(type) && type !== 'MARKET_TO_LIMIT' ? { price: '100.00' } : {}),
          ...(/TRAILING/.test(type)
            ? { trailingOffset: '5.00' }
            : triggered(type)
              ? { triggerPrice: '99.00' }
              : {}),
        };
        let order: Order = createOrder(request, instrument, 0);
        let before: string | undefined;
        let filledMilli = 0;
        const trades = new Set<string>();
        for (const e of events) {
          const result = applyOrderEvent(order, e);
          let expected: { outcome: string; status: string };
          if (e.type === 'ModifyRejected' || e.type === 'CancelRejected') {
            const pending = e.type === 'ModifyRejected' ? 'PENDING_UPDATE' : 'PENDING_CANCEL';
            expected =
              order.status === pending && before
                ? { outcome: 'applied', status: before }
                : { outcome: 'refused', status: order.status };
          } else if (e.type === 'Updated') {
            expected =
              order.status === 'PENDING_UPDATE' && before && allowed('PENDING_UPDATE', before)
                ? { outcome: 'applied', status: before }
                : { outcome: 'refused', status: order.status };
          } else if (e.type === 'Filled') {
            const milli = Math.round(Number(e.quantity) * 1000);
            if (trades.has(e.tradeId)) expected = { outcome: 'ignored', status: order.status };
            else if (filledMilli + milli > 2000) expected = { outcome: 'refused', status: order.status };
            else {
              const to = filledMilli + milli === 2000 ? 'FILLED' : 'PARTIALLY_FILLED';
              expected = allowed(order.status, to)
                ? { outcome: 'applied', status: to }
                : { outcome: 'refused', status: order.status };
            }
          } else {
            const to = STATUS_OF[e.type] as string;
            const ok = allowed(order.status, to) && (to !== 'TRIGGERED' || triggered(type));
            expected = ok ? { outcome: 'applied', status: to } : { outcome: 'refused', status: order.status };
          }
          expect({ outcome: result.outcome, status: result.order.status }).toEqual(expected);
          if (result.outcome === 'applied') {
            const to = result.order.status;
            if (to === 'PENDING_UPDATE' || to === 'PENDING_CANCEL') {
              if (order.status !== 'PENDING_UPDATE' && order.status !== 'PENDING_CANCEL')
                before = order.status;
            } else before = undefined;
            if (e.type === 'Filled') {
              trades.add(e.tradeId);
              filledMilli += Math.round(Number(e.quantity) * 1000);
            }
          }
          order = result.order;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
