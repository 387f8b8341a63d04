import { describe, expect, it } from 'vitest';
import { collectSessionFacts } from '../../actors/adapters/session-facts.ts';
import type { VenueClient, VenueOrderRecord } from '../../actors/adapters/venue-client.ts';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker.ts';

const filled: VenueOrderRecord = {
  clientOrderId: 'o-1',
  instrumentId: 'BTCUSDT.SIM',
  venueOrderId: 'v-1',
  side: 'SELL',
  quantity: '0.010',
  price: '60000.00',
  status: 'FILLED',
  filledQuantity: '0.010',
  fills: [{ tradeId: 't-1', quantity: '0.010', price: '60000.00', commission: '0.06', at: 5 }],
};

/** A venue that filled o-1 while the adapter was down. */
const venue = {
  venue: 'SIM',
  queryOpenOrders: async () => [],
  queryFillsSince: async () => [{ ...filled.fills[0], clientOrderId: 'o-1' }],
  queryOrder: async (id: string) => (id === 'o-1' ? filled : undefined),
} as unknown as VenueClient;

const breaker = () => new CircuitBreaker('venue SIM', { failureThreshold: 5, openMs: 1000 });
const firstSession = { since: 0, believedOnly: true };

describe('the facts a new venue session is reconciled with', () => {
  it('keep the fills of the orders execution holds open', async () => {
    const believed = [{ clientOrderId: 'o-1', instrumentId: 'BTCUSDT.SIM', status: 'SUBMITTED' }];
    const facts = await collectSessionFacts(venue, breaker(), firstSession, async () => believed);
    expect(facts.fills.map((fill) => fill.tradeId)).toEqual(['t-1']);
    expect(facts.records.map((record) => record.clientOrderId)).toEqual(['o-1']);
  });

  it('cannot be had while execution cannot say what it holds: the session stays unreconciled', async () => {
    const restarting = () =>
      Promise.reject(new Error("ask 'openOrders' to execution timed out after 2000 ms"));
    await expect(collectSessionFacts(venue, breaker(), firstSession, restarting)).rejects.toThrow(
      "execution did not say which orders it holds: ask 'openOrders' to execution timed out after 2000 ms",
    );
    await expect(collectSessionFacts(venue, breaker(), firstSession, async () => 'nonsense')).rejects.toThrow(
      /something other than a list/,
    );
  });
});
