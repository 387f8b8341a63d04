import { describe, expect, it } from 'vitest';
import { applyVenueEvent, deny, emptyBook, submit } from '../../actors/execution/orders.ts';
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
});
