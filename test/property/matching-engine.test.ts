import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MatchingEngine } from '../../actors/venue-sim/matching-engine.ts';
import { Decimal } from '../../src/domain/decimal.ts';
import { Instrument } from '../../src/domain/instrument.ts';
import { btcSpec } from '../fixtures/instruments.ts';

const price = fc.integer({ min: 9_900, max: 10_100 }).map((cents) => (cents / 100).toFixed(2));
const size = fc.integer({ min: 1, max: 3_000 }).map((units) => (units / 1000).toFixed(3));
const side = fc.constantFrom('BUY' as const, 'SELL' as const);

const command = fc.oneof(
  fc.record({
    kind: fc.constant('submit' as const),
    side,
    type: fc.constantFrom('LIMIT', 'LIMIT', 'LIMIT', 'MARKET'),
    quantity: size,
    price,
    timeInForce: fc.constantFrom('GTC' as const, 'IOC' as const, 'FOK' as const),
    postOnly: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('cancel' as const), index: fc.nat(40) }),
  fc.record({ kind: fc.constant('modify' as const), index: fc.nat(40), price, quantity: size }),
  fc.record({
    kind: fc.constant('market' as const),
    mid: fc.integer({ min: 9_950, max: 10_050 }),
    depth: size,
  }),
);

describe('matching engine properties', () => {
  it('never leaves the book crossed, never overfills, and both sides of a trade agree', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 60 }), (commands) => {
        const venue = new MatchingEngine(new Instrument(btcSpec), { venue: 'SIM' });
        const ids: string[] = [];
        commands.forEach((c, step) => {
          if (c.kind === 'submit') {
            const id = `o${step}`;
            ids.push(id);
            venue.submit(
              {
                clientOrderId: id,
                side: c.side,
                type: c.type,
                quantity: c.quantity,
                ...(c.type === 'LIMIT' ? { price: c.price } : {}),
                timeInForce: c.timeInForce,
                postOnly: c.type === 'LIMIT' && c.postOnly,
              },
              step,
            );
          } else if (c.kind === 'cancel') {
            venue.cancel(ids[c.index % Math.max(ids.length, 1)] ?? 'none', step);
          } else if (c.kind === 'modify') {
            venue.modify(
              ids[c.index % Math.max(ids.length, 1)] ?? 'none',
              { price: c.price, quantity: c.quantity },
              step,
            );
          } else {
            const bid = ((c.mid - 5) / 100).toFixed(2);
            const ask = ((c.mid + 5) / 100).toFixed(2);
            venue.setMarket({ bids: [[bid, c.depth]], asks: [[ask, c.depth]] }, step);
          }
          const [bestBid, bestAsk] = [venue.bestBid(), venue.bestAsk()];
          if (bestBid !== undefined && bestAsk !== undefined) {
            expect(Decimal.parse(bestBid).lt(Decimal.parse(bestAsk))).toBe(true);
          }
        });
        const trades = new Map<string, Array<{ side: string; quantity: string; price: string }>>();
        for (const id of ids) {
          const record = venue.order(id);
          if (record === undefined) continue;
          const filled = record.fills.reduce(
            (sum, fill) => sum.add(Decimal.parse(fill.quantity)),
            Decimal.zero(),
          );
          expect(filled.eq(Decimal.parse(record.filledQuantity))).toBe(true);
          expect(filled.lte(Decimal.parse(record.quantity))).toBe(true);
          expect(record.status === 'FILLED').toBe(filled.eq(Decimal.parse(record.quantity)));
          for (const fill of record.fills) {
            const sides = trades.get(fill.tradeId) ?? [];
            sides.push({ side: record.side, quantity: fill.quantity, price: fill.price });
            trades.set(fill.tradeId, sides);
          }
        }
        for (const sides of trades.values()) {
          expect(sides.length).toBeLessThanOrEqual(2);
          if (sides.length === 2) {
            const [a, b] = sides as [(typeof sides)[0], (typeof sides)[0]];
            expect(a.side).not.toBe(b.side);
            expect([a.quantity, a.price]).toEqual([b.quantity, b.price]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
