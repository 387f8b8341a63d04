import type { Decimal } from '../../src/domain/decimal.ts';

/*
 * The last price per instrument, per risk actor: market data arrives at tick rate, so it is kept by a fast handler
 * outside the machine (no transition per tick) and not persisted (a restarted engine waits for the next tick).
 */
const byActor = new Map<string, Map<string, Decimal>>();

export function lastPricesOf(actorId: string): Map<string, Decimal> {
  let prices = byActor.get(actorId);
  if (prices === undefined) {
    prices = new Map();
    byActor.set(actorId, prices);
  }
  return prices;
}
