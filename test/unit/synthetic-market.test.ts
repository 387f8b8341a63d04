import { describe, expect, it } from 'vitest';
import { stepMarket, syntheticMarket } from '../../actors/venue-sim/synthetic-market.ts';
import { Decimal } from '../../src/domain/decimal.ts';
import { Instrument } from '../../src/domain/instrument.ts';
import { btcSpec } from '../fixtures/instruments.ts';

const btc = new Instrument(btcSpec);

function walk(seed: number, steps: number) {
  let state = syntheticMarket({ startPrice: '20000.00', seed }, btc);
  const books = [];
  for (let i = 0; i < steps; i += 1) {
    const next = stepMarket(state, btc);
    state = next.state;
    books.push(next.levels);
  }
  return { state, books };
}

describe('the synthetic market', () => {
  it('is the same walk for the same seed, resumed from its saved state, and another for another seed', () => {
    const whole = walk(7, 200);
    const half = walk(7, 100);
    let state = structuredClone(half.state);
    const rest = [];
    for (let i = 0; i < 100; i += 1) {
      const next = stepMarket(state, btc);
      state = next.state;
      rest.push(next.levels);
    }
    expect([...half.books, ...rest]).toEqual(whole.books);
    expect(walk(8, 200).books).not.toEqual(whole.books);
  });

  it('keeps a spread, sorted levels at the instrument’s precision, and moves', () => {
    const { books } = walk(1, 500);
    for (const book of books) {
      expect(book.bids).toHaveLength(5);
      const bid = Decimal.parse(book.bids[0]?.[0] as string);
      const ask = Decimal.parse(book.asks[0]?.[0] as string);
      expect(ask.sub(bid).toString()).toBe('0.02');
      expect(btc.checkPrice(book.bids[4]?.[0] as string)).not.toBeTypeOf('string');
      expect(btc.checkQuantity(book.asks[4]?.[1] as string)).not.toBeTypeOf('string');
    }
    const mids = new Set(books.map((book) => book.bids[0]?.[0]));
    expect(mids.size).toBeGreaterThan(20);
  });
});
