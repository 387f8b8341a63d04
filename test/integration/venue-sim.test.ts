import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { venueSimProtocol } from '../../actors/venue-sim/protocol.ts';
import type { VenueSimInput } from '../../actors/venue-sim/venue-state.ts';
import { type ActorStart, ActorSystem, siblingModule } from '../../src/index.ts';
import { btcOrder, btcSpec } from '../fixtures/instruments.ts';
import { venueClientModule, venueClientProtocol } from '../fixtures/replay/venue-client.ts';
import { waitFor } from '../support/system.ts';

type Seen = { type: string; payload: unknown };
type Report = { clientOrderId: string; event: { type: string; reason?: string } };
type Quote = { bid: string; ask: string; bidSize: string; askSize: string; ts: number };

const replayFile = fileURLToPath(new URL('../fixtures/replay/btc-ticks.csv', import.meta.url));
const venueModule = siblingModule('../../actors/venue-sim/worker', import.meta.url);

const venues: Record<string, Partial<VenueSimInput>> = {
  live: { market: { intervalMs: 20 } },
  slow: { market: { intervalMs: 20 }, latency: { ackMs: 200, fillMs: 200 } },
  seeded1: { seed: 42, market: { intervalMs: 0, tradeProbability: 0.5 } },
  seeded2: { seed: 42, market: { intervalMs: 0, tradeProbability: 0.5 } },
  replay: { replay: { file: replayFile } },
};

describe('the simulated venue in a worker', () => {
  let system: ActorSystem;
  const venue = (name: string) => system.ref(`venue-${name}`, venueSimProtocol);
  const client = (name: string) => system.ref(`client-${name}`, venueClientProtocol);
  const seen = async (name: string, type?: string): Promise<Seen[]> =>
    (await client(name).ask('recorded', {})).filter((m) => type === undefined || m.type === type);
  const reports = async (name: string, clientOrderId: string) =>
    (await seen(name, 'venueReport'))
      .map((m) => m.payload as Report)
      .filter((r) => r.clientOrderId === clientOrderId);
  const connect = async (name: string) => {
    const reply = await venue(name).ask('connect', { client: `client-${name}` });
    venue(name).tell('subscribe', { client: `client-${name}`, instrumentId: btcSpec.id });
    return reply;
  };
  const lastQuote = (name: string) =>
    waitFor(async () => (await seen(name, 'quote')).at(-1)?.payload as Quote | undefined, 5000, 'a quote');

  beforeAll(async () => {
    const children = Object.entries(venues).flatMap(([name, input]) => [
      {
        id: `client-${name}`,
        start: { actor: { module: venueClientModule, export: 'venueClientActor' } } as ActorStart,
      },
      {
        id: `venue-${name}`,
        start: {
          actor: { module: venueModule, export: 'venueSimActor' },
          placement: 'worker',
          input: { venue: 'SIM', instruments: [btcSpec], ...input },
        } as ActorStart,
      },
    ]);
    system = await ActorSystem.start({ id: 'venue-sim', flags: { strategy: 'one_for_one' }, children });
  });
  afterAll(() => system.stop());

  it('opens a session and pushes quotes to a subscriber', async () => {
    const reply = await connect('live');
    expect(reply.sessionId).toMatch(/^SIM-session-/);
    expect(reply.instruments).toEqual([btcSpec]);
    const quote = await lastQuote('live');
    expect(Number(quote.bid)).toBeLessThan(Number(quote.ask));
  });

  it('accepts then fills a marketable limit order, and rejects a post-only order that would cross', async () => {
    const quote = await lastQuote('live');
    const far = (Number(quote.ask) * 1.01).toFixed(2);
    venue('live').tell('submit', {
      client: 'client-live',
      order: btcOrder('take-1', { quantity: '0.001', price: far }),
    });
    const events = await waitFor(async () => {
      const got = await reports('live', 'take-1');
      return got.some((r) => r.event.type === 'Filled') ? got.map((r) => r.event.type) : undefined;
    });
    expect(events).toEqual(['Accepted', 'Filled']);
    await expect(venue('live').ask('queryOrder', { clientOrderId: 'take-1' })).resolves.toMatchObject({
      found: true,
      order: { status: 'FILLED', instrumentId: btcSpec.id, filledQuantity: '0.001' },
    });

    venue('live').tell('submit', {
      client: 'client-live',
      order: btcOrder('post-1', { quantity: '0.001', price: far, postOnly: true }),
    });
    const rejected = await waitFor(async () => (await reports('live', 'post-1'))[0]);
    expect(rejected.event).toEqual({ type: 'Rejected', reason: 'post-only order would take liquidity' });
  });

  it('holds reports back for the simulated latency', async () => {
    await connect('slow');
    const quote = await lastQuote('slow');
    const sentAt = Date.now();
    venue('slow').tell('submit', {
      client: 'client-slow',
      order: btcOrder('late-1', { quantity: '0.001', price: (Number(quote.ask) * 1.01).toFixed(2) }),
    });
    await waitFor(async () => (await reports('slow', 'late-1')).length >= 2, 5000, 'the delayed reports');
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(190);
    expect((await reports('slow', 'late-1')).map((r) => r.event.type)).toEqual(['Accepted', 'Filled']);
  });

  it('sends no Accepted at dropAckRate 1, though the order rests', async () => {
    venue('live').tell('setFaults', { dropAckRate: 1 });
    venue('live').tell('submit', {
      client: 'client-live',
      order: btcOrder('quiet-1', { quantity: '0.001', price: '1.00' }),
    });
    await waitFor(
      async () => (await venue('live').ask('queryOrder', { clientOrderId: 'quiet-1' })).found,
      5000,
      'the order to rest',
    );
    await expect(venue('live').ask('queryOrder', { clientOrderId: 'quiet-1' })).resolves.toMatchObject({
      order: { status: 'OPEN' },
    });
    const open = await venue('live').ask('queryOpenOrders', {});
    expect(open.map((order) => order.clientOrderId)).toContain('quiet-1');
    expect(await reports('live', 'quiet-1')).toEqual([]);
    venue('live').tell('setFaults', { dropAckRate: 0 });
  });

  it('drops every session on dropSessions, and answers orders after that with sessionClosed', async () => {
    venue('live').tell('dropSessions', {});
    await waitFor(async () => (await seen('live', 'sessionClosed')).length === 1, 5000, 'sessionClosed');
    expect((await seen('live', 'sessionClosed'))[0]?.payload).toEqual({ reason: 'dropped by the venue' });
    venue('live').tell('submit', { client: 'client-live', order: btcOrder('after-drop') });
    const closed = await waitFor(async () => {
      const all = await seen('live', 'sessionClosed');
      return all.length === 2 ? all[1] : undefined;
    });
    expect(closed.payload).toEqual({ reason: 'not connected' });
    expect((await venue('live').ask('status', {})).sessions).toEqual([]);
    await expect(venue('live').ask('queryOrder', { clientOrderId: 'after-drop' })).resolves.toEqual({
      found: false,
    });
  });

  it('replays a market data file: good ticks pushed, the malformed line counted and skipped', async () => {
    await connect('replay');
    const status = await waitFor(
      async () => {
        const s = await venue('replay').ask('status', {});
        return s.replayedLines + s.skippedLines === 6 ? s : undefined;
      },
      5000,
      'the replay to end',
    );
    expect(status).toMatchObject({ replayedLines: 5, skippedLines: 1 });
    const ticks = await seen('replay');
    expect(ticks.map((m) => m.type)).toEqual(['quote', 'quote', 'trade', 'quote', 'trade']);
    expect(ticks[0]?.payload).toEqual({
      instrumentId: btcSpec.id,
      ts: 1700000000000,
      bid: '20000.00',
      ask: '20000.50',
      bidSize: '1.500',
      askSize: '2.000',
    });
    // The last replayed quote is the venue's market: a marketable buy fills at its ask.
    venue('replay').tell('submit', {
      client: 'client-replay',
      order: btcOrder('r-1', { quantity: '0.5', price: '20001.00' }),
    });
    const fill = await waitFor(async () =>
      (await reports('replay', 'r-1')).find((r) => r.event.type === 'Filled'),
    );
    expect(fill.event).toMatchObject({ quantity: '0.500', price: '20000.70' });
  });

  it('walks the same market for the same seed', async () => {
    const walk = async (name: string) => {
      await connect(name);
      for (let i = 0; i < 25; i += 1) venue(name).tell('step', {});
      const ticks = await waitFor(async () => {
        const got = (await seen(name)).filter((m) => m.type === 'quote' || m.type === 'trade');
        return got.filter((m) => m.type === 'quote').length === 25 ? got : undefined;
      });
      return ticks.map(({ type, payload }) => {
        const { ts: _ts, ...rest } = payload as { ts: number };
        return { type, ...rest };
      });
    };
    const first = await walk('seeded1');
    expect(first.some((m) => m.type === 'trade')).toBe(true);
    expect(await walk('seeded2')).toEqual(first);
  });
});
