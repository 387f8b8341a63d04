import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterProtocol } from '../../actors/adapters/protocol.ts';
import { ActorSystem, siblingModule } from '../../src/index.ts';
import { fakeVenueModule, fakeVenueProtocol, sinkProtocol } from '../fixtures/fake-venue.ts';
import { btcOrder } from '../fixtures/instruments.ts';
import { waitFor } from '../support/system.ts';

type Seen = { type: string; payload: unknown };
type Reported = { clientOrderId: string; event: Record<string, unknown> & { type: string } };

describe('venue adapter in a worker, against a fake venue', () => {
  let system: ActorSystem;

  beforeAll(async () => {
    system = await ActorSystem.start({
      id: 'adapter',
      flags: { strategy: 'one_for_one' },
      children: [
        {
          id: 'venue-SIM',
          start: { actor: { module: fakeVenueModule, export: 'fakeVenueActor' }, persist: false },
        },
        {
          id: 'execution',
          start: { actor: { module: fakeVenueModule, export: 'sinkActor' }, persist: false },
        },
        {
          id: 'market-data',
          start: { actor: { module: fakeVenueModule, export: 'sinkActor' }, persist: false },
        },
        {
          id: 'adapter-SIM',
          start: {
            actor: {
              module: siblingModule('../../actors/adapters/worker', import.meta.url),
              export: 'adapterActor',
            },
            placement: 'worker',
            persist: false,
            input: {
              venue: 'SIM',
              venueActorId: 'venue-SIM',
              executionId: 'execution',
              marketDataId: 'market-data',
              backoff: { minMs: 50, maxMs: 400, jitter: 0.2 },
              breaker: { failureThreshold: 3, resetTimeoutMs: 1500 },
              callTimeoutMs: 150,
              fillMarginMs: 100,
              seed: 7,
            },
          },
        },
      ],
    });
  });
  afterAll(() => system.stop());

  const adapter = () => system.ref('adapter-SIM', adapterProtocol);
  const venue = () => system.ref('venue-SIM', fakeVenueProtocol);
  const status = () => adapter().ask('status', {});
  /** Mutes or unmutes the venue, and waits until it has: the adapter's calls reach it by another path. */
  const mute = async (muted: boolean) => {
    venue().tell('mute', { muted });
    await venue().ask('seen', {});
  };
  const venueSeen = async (type: string) =>
    ((await venue().ask('seen', {})) as Seen[]).filter((m) => m.type === type);
  const reported = async (clientOrderId: string) =>
    ((await system.ref('execution', sinkProtocol).ask('seen', {})) as Seen[])
      .map((m) => m.payload as Reported)
      .filter((report) => report.clientOrderId === clientOrderId)
      .map((report) => report.event);
  const eventually = (clientOrderId: string, count: number, what: string) =>
    waitFor(
      async () => {
        const events = await reported(clientOrderId);
        return events.length >= count ? events : undefined;
      },
      5000,
      what,
    );

  it('connects when started, subscribes for market data, and forwards ticks', async () => {
    await waitFor(async () => (await status()).connection === 'connected', 5000, 'the adapter to connect');
    adapter().tell('subscribe', { instrumentId: 'BTCUSDT.SIM' });
    await waitFor(async () => (await venueSeen('subscribe')).length === 1, 5000, 'the subscription');
    venue().tell('publish', { instrumentId: 'BTCUSDT.SIM' });
    const ticks = await waitFor(async () => {
      const seen = (await system.ref('market-data', sinkProtocol).ask('seen', {})) as Seen[];
      return seen.length >= 2 ? seen : undefined;
    });
    expect(ticks.map((m) => m.type)).toEqual(['quote', 'trade']);
    expect(await status()).toMatchObject({ venue: 'SIM', breaker: 'closed', subscriptions: ['BTCUSDT.SIM'] });
  });

  it('routes orders to the venue as its requests, and its reports back to execution as venue events', async () => {
    adapter().tell('submit', { order: { ...btcOrder('a-1'), status: 'SUBMITTED', tradeIds: [] } as never });
    expect(await eventually('a-1', 1, 'a-1 accepted')).toEqual([{ type: 'Accepted', venueOrderId: 'v-1' }]);
    const [submitted] = await venueSeen('submit');
    expect(submitted?.payload).toEqual({ client: 'adapter-SIM', order: btcOrder('a-1') });

    adapter().tell('modify', { clientOrderId: 'a-1', quantity: '0.5' });
    adapter().tell('cancel', { clientOrderId: 'a-1' });
    const events = await eventually('a-1', 3, 'a-1 updated and canceled');
    expect(events.slice(1)).toEqual([
      { type: 'Updated', quantity: '0.5', price: '20000.00' },
      { type: 'Canceled' },
    ]);

    adapter().tell('submit', { order: btcOrder('reject-1') });
    expect(await eventually('reject-1', 1, 'reject-1 rejected')).toEqual([
      { type: 'Rejected', reason: 'the fake venue rejects it' },
    ]);
    expect((await status()).routed).toBe(4);
  });

  it('answers execution queries about orders from the venue’s records', async () => {
    adapter().tell('submit', { order: btcOrder('q-1') });
    await eventually('q-1', 1, 'q-1 accepted');
    venue().tell('fill', { clientOrderId: 'q-1', quantity: '0.25', price: '20000.00' });
    await eventually('q-1', 2, 'q-1 filled');
    adapter().tell('queryOrder', { clientOrderId: 'q-1', instrumentId: 'BTCUSDT.SIM', status: 'SUBMITTED' });
    const events = await eventually('q-1', 4, 'the answer about q-1');
    expect(events.slice(2)).toEqual([
      { type: 'Accepted', venueOrderId: 'v-3' },
      { type: 'Filled', tradeId: 't-1', quantity: '0.25', price: '20000.00', commission: '0' },
    ]);
    adapter().tell('queryOrder', {
      clientOrderId: 'ghost',
      instrumentId: 'BTCUSDT.SIM',
      status: 'SUBMITTED',
    });
    expect(await eventually('ghost', 1, 'the answer about ghost')).toEqual([
      { type: 'Rejected', reason: 'unknown to the venue' },
    ]);
  });

  it('reconnects with backoff after the venue drops the session, re-subscribes, and reconciles what it missed', async () => {
    adapter().tell('submit', { order: btcOrder('r-1') });
    adapter().tell('submit', { order: btcOrder('r-2') });
    await eventually('r-1', 1, 'r-1 accepted');
    await eventually('r-2', 1, 'r-2 accepted');
    const belief = (id: string) => ({
      ...btcOrder(id),
      status: 'ACCEPTED',
      tradeIds: [],
      filledQuantity: '0',
    });
    system.ref('execution', sinkProtocol).tell('believe', { orders: [belief('r-1'), belief('r-2')] });

    // Muted, the venue leaves connects unanswered: the adapter keeps trying, with backoff, and refuses orders.
    venue().tell('mute', { muted: true });
    venue().tell('dropSessions', {});
    venue().tell('fill', { clientOrderId: 'r-1', quantity: '1', price: '19990.00' });
    venue().tell('expire', { clientOrderId: 'r-2' });
    await waitFor(async () => (await status()).connection !== 'connected', 5000, 'the session to drop');
    adapter().tell('submit', { order: btcOrder('d-1') });
    const [refused] = await eventually('d-1', 1, 'd-1 refused');
    expect(refused).toMatchObject({ type: 'Rejected' });
    expect(String(refused?.reason)).toMatch(/^VENUE_UNAVAILABLE: venue SIM is (reconnecting|connecting)/);
    await waitFor(async () => (await venueSeen('connect')).length >= 3, 5000, 'connect attempts');
    venue().tell('mute', { muted: false });

    await waitFor(async () => (await status()).connection === 'connected', 5000, 'the adapter to reconnect');
    expect((await status()).reconnects).toBe(1);
    await waitFor(async () => (await venueSeen('subscribe')).length === 2, 5000, 'the re-subscription');
    expect((await eventually('r-1', 2, 'the missed fill of r-1'))[1]).toMatchObject({
      type: 'Filled',
      quantity: '1',
      price: '19990.00',
    });
    expect((await eventually('r-2', 2, 'the missed cancel of r-2'))[1]).toEqual({ type: 'Canceled' });
    const [first, since] = await venueSeen('queryFillsSince');
    expect((first?.payload as { since?: number } | undefined)?.since).toBe(0);
    expect((since?.payload as { since?: number } | undefined)?.since).toBeGreaterThan(0);
  });

  it('opens its circuit after repeated failures, refuses orders while open, and half-opens later', async () => {
    await mute(true);
    for (const id of ['b-1', 'b-2', 'b-3']) {
      adapter().tell('queryOrder', { clientOrderId: id, instrumentId: 'BTCUSDT.SIM', status: 'SUBMITTED' });
    }
    await waitFor(async () => (await status()).breaker === 'open', 5000, 'the circuit to open');
    adapter().tell('submit', { order: btcOrder('b-4') });
    const [refused] = await eventually('b-4', 1, 'b-4 refused');
    expect(refused).toMatchObject({ type: 'Rejected' });
    expect(String(refused?.reason)).toContain('VENUE_UNAVAILABLE: circuit');
    expect(await reported('b-1')).toEqual([]);

    await waitFor(async () => (await status()).breaker === 'half-open', 5000, 'the circuit to half-open');
    await mute(false);
    adapter().tell('queryOrder', { clientOrderId: 'a-1', instrumentId: 'BTCUSDT.SIM', status: 'CANCELED' });
    await waitFor(async () => (await status()).breaker === 'closed', 5000, 'the circuit to close');
    expect((await status()).failedCalls).toBeGreaterThanOrEqual(4);
  });
});
