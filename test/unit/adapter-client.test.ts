import { describe, expect, it } from 'vitest';
import { SimVenueClient } from '../../actors/adapters/sim-venue-client.ts';
import { countsAgainstVenue, outcomeUnknown, reasonOf } from '../../actors/adapters/venue-client.ts';
import { requestOf } from '../../src/domain/order.ts';
import type { ActorIO } from '../../src/index.ts';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker.ts';
import {
  AskTimeoutError,
  CircuitOpenError,
  DeadLetterError,
  VenueError,
} from '../../src/resilience/errors.ts';
import { btcOrder } from '../fixtures/instruments.ts';

/** An ActorIO that records tells and answers asks from a table (a function of the message type). */
function fakeIO(answer: (type: string, payload: unknown) => unknown) {
  const told: Array<{ to: string; type: string; payload: unknown }> = [];
  const io = {
    self: 'adapter-SIM',
    tell: (to: string, type: string, payload: unknown) => {
      told.push({ to, type, payload });
      return true;
    },
    ask: async (_to: string, type: string, payload: unknown) => answer(type, payload),
    reply: () => undefined,
    writable: async () => undefined,
    now: () => 0,
    log: {} as ActorIO['log'],
  } as unknown as ActorIO;
  return { io, told };
}

const options = { venue: 'SIM', venueActorId: 'venue-SIM', callTimeoutMs: 100 };

describe('SimVenueClient', () => {
  it('sends orders only in a session, as the venue’s requests', async () => {
    const { io, told } = fakeIO(() => ({ sessionId: 's-1', instruments: [] }));
    const client = new SimVenueClient(io, options);
    await expect(client.submit(btcOrder('o-1'))).rejects.toMatchObject({ code: 'VENUE_DISCONNECTED' });
    await client.connect();
    await client.submit(requestOf({ ...btcOrder('o-1'), status: 'SUBMITTED', filledQuantity: '0' }));
    await client.cancel('o-1');
    expect(told).toEqual([
      { to: 'venue-SIM', type: 'submit', payload: { client: 'adapter-SIM', order: btcOrder('o-1') } },
      { to: 'venue-SIM', type: 'cancel', payload: { client: 'adapter-SIM', clientOrderId: 'o-1' } },
    ]);
  });

  it('refuses what the venue would drop: a malformed order, a trigger price change', async () => {
    const { io, told } = fakeIO(() => ({ sessionId: 's-1', instruments: [] }));
    const client = new SimVenueClient(io, options);
    await client.connect();
    await expect(client.submit({ ...btcOrder('o-1'), type: 'ICEBERG' as never })).rejects.toMatchObject({
      code: 'VENUE_REJECTED',
    });
    await expect(client.modify({ clientOrderId: 'o-1', triggerPrice: '1.00' })).rejects.toMatchObject({
      code: 'VENUE_REJECTED',
    });
    expect(told).toEqual([]);
  });

  it('answers queries, and turns a missing answer into a typed venue error', async () => {
    const { io } = fakeIO((type) => {
      if (type === 'queryOrder') return { found: false };
      if (type === 'queryOpenOrders') throw new AskTimeoutError('venue-SIM', type, 100);
      throw new DeadLetterError('venue-SIM', 'no actor');
    });
    const client = new SimVenueClient(io, options);
    await expect(client.queryOrder('o-1')).resolves.toBeUndefined();
    const timeout = await client.queryOpenOrders().catch((error: unknown) => error);
    expect(timeout).toBeInstanceOf(VenueError);
    expect(timeout).toMatchObject({ code: 'VENUE_TIMEOUT', recoverable: true });
    await expect(client.queryFillsSince(-5)).rejects.toMatchObject({ code: 'VENUE_UNAVAILABLE' });
  });
});

describe('venue errors as the adapter reads them', () => {
  it('knows which failures leave an order’s fate open and which count against the venue', () => {
    const timeout = new VenueError('SIM', 'VENUE_TIMEOUT', 'slow');
    const refused = new VenueError('SIM', 'VENUE_REJECTED', 'no');
    expect(outcomeUnknown(timeout)).toBe(true);
    expect(outcomeUnknown(refused)).toBe(false);
    expect(countsAgainstVenue(timeout)).toBe(true);
    expect(countsAgainstVenue(refused)).toBe(false);
    expect(reasonOf(new CircuitOpenError('venue SIM', 100))).toMatch(/^VENUE_UNAVAILABLE: circuit/);
    expect(reasonOf(refused)).toBe('VENUE_REJECTED: venue SIM: no');
  });

  it('a breaker counts only the failures its isFailure names', async () => {
    const breaker = new CircuitBreaker('venue SIM', {
      failureThreshold: 1,
      openMs: 1000,
      isFailure: countsAgainstVenue,
    });
    await expect(
      breaker.call(() => Promise.reject(new VenueError('SIM', 'VENUE_REJECTED', 'no'))),
    ).rejects.toThrow();
    expect(breaker.state).toBe('closed');
    await expect(
      breaker.call(() => Promise.reject(new VenueError('SIM', 'VENUE_TIMEOUT', 'slow'))),
    ).rejects.toThrow();
    expect(breaker.state).toBe('open');
  });
});
