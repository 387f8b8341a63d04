import { describe, expect, it } from 'vitest';
import { externalOrders, reconcileOrder, reconcileSession } from '../../actors/adapters/reconcile.ts';
import type { VenueFill, VenueOrderRecord } from '../../actors/adapters/venue-client.ts';

const record = (change: Partial<VenueOrderRecord> = {}): VenueOrderRecord => ({
  clientOrderId: 'o-1',
  venueOrderId: 'v-1',
  instrumentId: 'BTCUSDT.SIM',
  side: 'BUY',
  quantity: '2',
  price: '20000.00',
  status: 'OPEN',
  filledQuantity: '0',
  fills: [],
  ...change,
});
const fill = (tradeId: string, clientOrderId = 'o-1', at = 10): VenueFill => ({
  clientOrderId,
  instrumentId: 'BTCUSDT.SIM',
  tradeId,
  quantity: '1',
  price: '20000.00',
  commission: '0.1',
  at,
});
const filled = (tradeId: string) => {
  const { clientOrderId: _order, instrumentId: _instrument, at: _at, ...rest } = fill(tradeId);
  return { type: 'Filled', ...rest };
};

describe('reconcileOrder, as execution asks (status only)', () => {
  it('acknowledges an order the venue took, then its fills', () => {
    expect(
      reconcileOrder({ clientOrderId: 'o-1', status: 'SUBMITTED' }, record({ fills: [fill('t1')] })),
    ).toEqual([{ type: 'Accepted', venueOrderId: 'v-1' }, filled('t1')]);
  });

  it('reports a canceled order after its fills, and a rejected one as rejected', () => {
    const canceled = record({ status: 'CANCELED', filledQuantity: '1', fills: [fill('t1')] });
    expect(reconcileOrder({ clientOrderId: 'o-1', status: 'SUBMITTED' }, canceled)).toEqual([
      { type: 'Accepted', venueOrderId: 'v-1' },
      filled('t1'),
      { type: 'Canceled' },
    ]);
    expect(
      reconcileOrder({ clientOrderId: 'o-1', status: 'SUBMITTED' }, record({ status: 'REJECTED' })),
    ).toEqual([{ type: 'Rejected', reason: 'rejected by the venue' }]);
  });

  it('answers a pending modify with the venue’s quantity and price, and a pending cancel of an open order as rejected', () => {
    const open = record({ quantity: '1.5', price: '19999.00' });
    expect(reconcileOrder({ clientOrderId: 'o-1', status: 'PENDING_UPDATE' }, open)).toEqual([
      { type: 'Updated', quantity: '1.5', price: '19999.00' },
    ]);
    expect(reconcileOrder({ clientOrderId: 'o-1', status: 'PENDING_CANCEL' }, open)).toEqual([
      { type: 'CancelRejected', reason: 'the venue still has the order open' },
    ]);
  });

  it('rejects an order the venue never acknowledged nor heard of, and concludes nothing about others', () => {
    const rejected = [{ type: 'Rejected', reason: 'unknown to the venue' }];
    expect(reconcileOrder({ clientOrderId: 'o-1', status: 'SUBMITTED' }, undefined)).toEqual(rejected);
    // A cancel or modify sent after a submit the venue never got: the order is still the lost submit.
    for (const status of ['PENDING_CANCEL', 'PENDING_UPDATE']) {
      expect(
        reconcileOrder({ clientOrderId: 'o-1', status, statusBeforePending: 'SUBMITTED' }, undefined),
      ).toEqual(rejected);
      expect(
        reconcileOrder({ clientOrderId: 'o-1', status, statusBeforePending: 'ACCEPTED' }, undefined),
      ).toEqual([]);
    }
    expect(reconcileOrder({ clientOrderId: 'o-1', status: 'PENDING_CANCEL' }, undefined)).toEqual([]);
    expect(reconcileOrder({ clientOrderId: 'o-1', status: 'ACCEPTED' }, undefined)).toEqual([]);
    expect(reconcileOrder({ clientOrderId: 'o-1' }, undefined)).toEqual([]);
  });
});

describe('reconcileSession, after a reconnect', () => {
  it('reports what each believed order missed, and fills of orders no longer open, each trade once', () => {
    const reports = reconcileSession({
      believed: [
        { clientOrderId: 'o-1', status: 'ACCEPTED', tradeIds: ['t1'] },
        { clientOrderId: 'o-2', status: 'ACCEPTED', tradeIds: [] },
        { clientOrderId: 'o-3', status: 'SUBMITTED' },
        { clientOrderId: 'o-4', status: 'SUBMITTED' },
      ],
      records: [
        record({ filledQuantity: '2', status: 'FILLED', fills: [fill('t1'), fill('t2')] }),
        record({ clientOrderId: 'o-2', status: 'CANCELED' }),
      ],
      notFound: ['o-3'],
      fills: [fill('t2'), fill('t9', 'o-9', 5), fill('t1')],
    });
    expect(reports).toEqual([
      { clientOrderId: 'o-1', event: filled('t2') },
      { clientOrderId: 'o-2', event: { type: 'Canceled' } },
      { clientOrderId: 'o-3', event: { type: 'Rejected', reason: 'unknown to the venue' } },
      { clientOrderId: 'o-9', event: { ...filled('t9') } },
    ]);
  });

  it("names the venue's open orders that execution did not list, for execution to adopt", () => {
    const facts = {
      believed: [{ clientOrderId: 'o-1', status: 'ACCEPTED' }],
      records: [
        record(),
        record({ clientOrderId: 'x-1', fills: [{ ...fill('t9', 'x-1'), commission: '0.1' }] }),
        record({ clientOrderId: 'x-2', status: 'FILLED' }),
      ],
      notFound: [],
      fills: [],
    };
    expect(externalOrders(facts)).toEqual([
      {
        clientOrderId: 'x-1',
        venueOrderId: 'v-1',
        instrumentId: 'BTCUSDT.SIM',
        side: 'BUY',
        quantity: '2',
        price: '20000.00',
        fills: [{ tradeId: 't9', quantity: '1', price: '20000.00', commission: '0.1' }],
      },
    ]);
  });
});
