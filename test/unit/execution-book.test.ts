import { describe, expect, it } from 'vitest';
import {
  adopt,
  applyVenueEvent,
  deny,
  EXTERNAL_STRATEGY,
  emptyBook,
  requestChange,
  submit,
} from '../../actors/execution/orders.ts';
import { btcOrder, btcSpec } from '../fixtures/instruments.ts';

const settings = { nativeTypes: {}, inFlightTimeoutMs: 1000, maxQueries: 3, closedRetention: 2 };

describe("execution's order book", () => {
  it('keeps the last closed orders for late fills and forgets older ones', () => {
    const book = emptyBook(settings, [btcSpec]);
    for (const id of ['a', 'b', 'c']) deny(book, btcOrder(id), 'test', 0);
    expect(Object.keys(book.orders)).toEqual(['b', 'c']);
    expect(() => applyVenueEvent(book, 'a', { type: 'Canceled' }, 0)).toThrow(/unknown order a/);
  });

  it('keeps open orders however many close', () => {
    const book = emptyBook(settings, [btcSpec]);
    submit(book, btcOrder('open'), 0);
    for (const id of ['a', 'b', 'c', 'd']) deny(book, btcOrder(id), 'test', 0);
    expect(Object.keys(book.orders).sort()).toEqual(['c', 'd', 'open']);
    expect(book.inFlight.open).toMatchObject({ status: 'SUBMITTED', since: 0, queries: 0 });
    applyVenueEvent(book, 'open', { type: 'Accepted' }, 5);
    expect(book.inFlight.open).toBeUndefined();
  });

  it('counts orders, fills, denials and rejections as they happen, not as they are retained', () => {
    const book = emptyBook(settings, [btcSpec]);
    submit(book, btcOrder('f'), 0);
    applyVenueEvent(book, 'f', { type: 'Accepted' }, 1);
    applyVenueEvent(book, 'f', { type: 'Filled', tradeId: 't1', quantity: '0.4', price: '20000' }, 2);
    applyVenueEvent(book, 'f', { type: 'Filled', tradeId: 't1', quantity: '0.4', price: '20000' }, 3);
    applyVenueEvent(book, 'f', { type: 'Filled', tradeId: 't2', quantity: '0.6', price: '20000' }, 4);
    submit(book, btcOrder('r'), 5);
    applyVenueEvent(book, 'r', { type: 'Rejected', reason: 'no' }, 6);
    for (const id of ['d1', 'd2', 'd3']) deny(book, btcOrder(id), 'test', 7);
    expect(book.counts).toEqual({ orders: 5, fills: 2, denied: 3, rejected: 1 });
  });

  it('asks the venue where an order stands after it refuses a cancel, as the order may be closed there', () => {
    const book = emptyBook(settings, [btcSpec]);
    submit(book, btcOrder('c'), 0);
    applyVenueEvent(book, 'c', { type: 'Accepted' }, 1);
    requestChange(book, 'c', 'cancel', {}, 2);
    const emitted = applyVenueEvent(book, 'c', { type: 'CancelRejected', reason: 'order is not open' }, 3);
    expect(book.orders.c?.status).toBe('ACCEPTED');
    expect(emitted).toContainEqual({
      kind: 'venue',
      venue: 'SIM',
      type: 'queryOrder',
      payload: {
        clientOrderId: 'c',
        instrumentId: 'BTCUSDT.SIM',
        status: 'ACCEPTED',
        quantity: '1.000',
        price: '20000.00',
      },
    });
  });

  it('asks the venue about an order whose fill it refused (a modify the venue took, its acknowledgement lost)', () => {
    const book = emptyBook(settings, [btcSpec]);
    submit(book, btcOrder('m', { quantity: '1.000' }), 0);
    applyVenueEvent(book, 'm', { type: 'Accepted' }, 1);
    requestChange(book, 'm', 'modify', { quantity: '2.000' }, 2);
    const fill = { type: 'Filled' as const, tradeId: 't-m', quantity: '1.500', price: '20000.00' };
    const emitted = applyVenueEvent(book, 'm', fill, 3);
    expect(book.orders.m).toMatchObject({ status: 'PENDING_UPDATE', filledQuantity: '0.000' });
    expect(emitted).toEqual([
      expect.objectContaining({ kind: 'orderEvent', event: expect.objectContaining({ type: 'Refused' }) }),
      expect.objectContaining({
        kind: 'venue',
        type: 'queryOrder',
        payload: expect.objectContaining({ status: 'PENDING_UPDATE' }),
      }),
    ]);
    // The venue's answer, as the adapter makes it from its record: the modify, then the fill again.
    applyVenueEvent(book, 'm', { type: 'Updated', quantity: '2.000' }, 4);
    applyVenueEvent(book, 'm', fill, 5);
    expect(book.orders.m).toMatchObject({
      status: 'PARTIALLY_FILLED',
      quantity: '2.000',
      filledQuantity: '1.500',
    });
  });

  it('adopts an open order a venue has and execution does not, with its fills; a known order is left alone', () => {
    const book = emptyBook(settings, [btcSpec]);
    const external = {
      clientOrderId: 'x-1',
      venueOrderId: 'v-9',
      instrumentId: 'BTCUSDT.SIM',
      side: 'SELL' as const,
      quantity: '2',
      price: '21000.00',
      fills: [{ tradeId: 'tx', quantity: '0.5', price: '21000.00', commission: '0.1' }],
    };
    const emitted = adopt(book, external, 3);
    expect(emitted.map((e) => (e.kind === 'orderEvent' ? e.event.type : e.kind))).toEqual([
      'Accepted',
      'Filled',
    ]);
    expect(book.orders['x-1']).toMatchObject({
      strategyId: EXTERNAL_STRATEGY,
      type: 'LIMIT',
      status: 'PARTIALLY_FILLED',
      filledQuantity: '0.500',
      venueOrderId: 'v-9',
    });
    expect(adopt(book, external, 4)).toEqual([]);
    expect(() => adopt(book, { ...external, clientOrderId: 'x-2', instrumentId: 'ETHUSDT.SIM' }, 5)).toThrow(
      /instrument ETHUSDT.SIM is not known/,
    );
  });
});
