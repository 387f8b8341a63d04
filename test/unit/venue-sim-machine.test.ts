import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fillsSince, findOrder, positions, status } from '../../actors/venue-sim/queries.ts';
import type { Emission, VenueContext, VenueSimInput } from '../../actors/venue-sim/venue-state.ts';
import { venueSimActor } from '../../actors/venue-sim/worker.ts';
import { ActorCell, type PersistedActorState } from '../../src/runtime/actor-cell.ts';
import type { ActorIO } from '../../src/runtime/actor-definition.ts';
import { createEnvelope } from '../../src/runtime/envelope.ts';
import { silentIO } from '../../src/runtime/silent-io.ts';
import { rootLogger } from '../../src/telemetry/logger.ts';
import { btcOrder, btcSpec } from '../fixtures/instruments.ts';

type Sent = Extract<Emission, { to: string }>;

/**
 * The venue as a worker hosts it (its machine and its fast handlers), in a cell of this thread: what it sends is
 * recorded, its warnings kept, and its own `step` requests counted.
 */
function venue(input: Partial<VenueSimInput> = {}, restored?: PersistedActorState) {
  const sent: Sent[] = [];
  const warnings: string[] = [];
  let stepRequests = 0;
  const io: ActorIO = {
    ...silentIO('venue'),
    log: { ...rootLogger(), warn: (_detail: unknown, message: string) => warnings.push(message) } as never,
    tell: (to, type, payload, options) => {
      if (to === 'venue' && type === 'step') stepRequests += 1;
      else
        sent.push(
          options?.traceparent === undefined
            ? { to, type, payload }
            : { to, type, payload, traceparent: options.traceparent },
        );
      return true;
    },
  };
  const cell = new ActorCell(venueSimActor, {
    id: 'venue',
    io,
    input: { instruments: [btcSpec], market: { intervalMs: 0 }, ...input },
    ...(restored === undefined ? {} : { restored }),
  });
  let clock = 1_000;
  /** Sends a message as the runtime would, stamped `at` or a millisecond after the last one. */
  const send = (type: string, payload: unknown, at?: number) => {
    clock = at ?? clock + 1;
    expect(
      cell.deliver(createEnvelope('test', 'venue', type, payload, { timestamp: clock, correlationId: 'c' })),
    ).toEqual({ ok: true });
  };
  const context = () => cell.view().context as VenueContext;
  const reports = (to = 'client') =>
    sent
      .filter((m) => m.to === to && m.type === 'venueReport')
      .map((m) => m.payload as { clientOrderId: string; event: { type: string; reason?: string } });
  return { cell, sent, warnings, send, context, reports, steps: () => stepRequests };
}

const order = (id: string, change: Record<string, unknown> = {}) =>
  btcOrder(id, { price: '100.00', quantity: '0.1', ...change });

afterEach(() => {
  vi.useRealTimers();
});

describe('the simulated venue machine', () => {
  it('answers orders from a client without a session with sessionClosed and changes nothing', () => {
    const v = venue();
    const before = status(v.context());
    v.send('submit', { client: 'stranger', order: order('o1') });
    v.send('cancel', { client: 'stranger', clientOrderId: 'o1' });
    expect(v.sent).toEqual([
      { to: 'stranger', type: 'sessionClosed', payload: { reason: 'not connected' } },
      { to: 'stranger', type: 'sessionClosed', payload: { reason: 'not connected' } },
    ]);
    expect(findOrder(v.context(), 'o1')).toBeUndefined();
    expect(status(v.context())).toEqual(before);
  });

  it('rejects non-native order types and unknown instruments with a reason', () => {
    const v = venue();
    v.send('connect', { client: 'client' });
    v.send('submit', {
      client: 'client',
      order: order('s1', { type: 'STOP_MARKET', triggerPrice: '90.00' }),
    });
    v.send('submit', { client: 'client', order: order('x1', { instrumentId: 'ETHUSDT.SIM' }) });
    expect(v.reports()).toEqual([
      {
        clientOrderId: 's1',
        event: {
          type: 'Rejected',
          reason: 'order type STOP_MARKET is not supported by venue SIM (only MARKET, LIMIT)',
        },
      },
      {
        clientOrderId: 'x1',
        event: { type: 'Rejected', reason: 'instrument ETHUSDT.SIM is not listed on venue SIM' },
      },
    ]);
  });

  it('fills a resting order when the synthetic market moves through it, and tells its client', () => {
    const v = venue({ markets: { 'BTCUSDT.SIM': { startPrice: '100.00', seed: 3 } } });
    v.send('connect', { client: 'client' });
    v.send('subscribe', { client: 'client', instrumentId: 'BTCUSDT.SIM' });
    v.send('step', {});
    const quote = v.sent.find((m) => m.type === 'quote')?.payload as { bid: string; ask: string };
    expect(quote).toMatchObject({ instrumentId: 'BTCUSDT.SIM' });
    const touch = Number(quote.bid);
    v.send('submit', {
      client: 'client',
      order: order('b1', { price: (touch - 0.05).toFixed(2), postOnly: true }),
    });
    expect(v.context().owners).toEqual({ b1: 'client' });
    for (let i = 0; i < 500 && findOrder(v.context(), 'b1')?.status === 'OPEN'; i += 1) v.send('step', {});
    expect(v.reports().map((r) => `${r.clientOrderId}:${r.event.type}`)).toEqual([
      'b1:Accepted',
      'b1:Filled',
    ]);
    expect(v.context().owners).toEqual({});
    expect(status(v.context())).toMatchObject({ fills: 1, openOrders: 0 });
  });

  it('takes market data from outside: a quote sets the book and fills what it crosses; ticks reach subscribers', () => {
    const v = venue();
    v.send('connect', { client: 'client' });
    v.send('subscribe', { client: 'client', instrumentId: 'BTCUSDT.SIM' });
    const quote = (bid: string, ask: string, ts: number) => ({
      kind: 'quote',
      tick: { instrumentId: 'BTCUSDT.SIM', ts, bid, ask, bidSize: '1.000', askSize: '1.000' },
    });
    v.send('marketData', { ticks: [quote('100.00', '100.10', 2000)] }, 2000);
    v.send('submit', { client: 'client', order: order('b1', { price: '99.90', postOnly: true }) });
    v.send(
      'marketData',
      {
        ticks: [
          { kind: 'trade', tick: { instrumentId: 'BTCUSDT.SIM', ts: 3000, price: '99.95', size: '0.500' } },
          quote('99.70', '99.80', 3000),
        ],
      },
      3000,
    );
    expect(v.reports().map((r) => `${r.clientOrderId}:${r.event.type}`)).toEqual([
      'b1:Accepted',
      'b1:Filled',
    ]);
    expect(v.sent.filter((m) => m.type === 'quote' || m.type === 'trade').map((m) => m.type)).toEqual([
      'quote',
      'trade',
      'quote',
    ]);
    v.send('marketData', {
      ticks: [
        { kind: 'trade', tick: { instrumentId: 'DOGEUSDT.SIM', ts: 4000, price: '0.10', size: '1.000' } },
      ],
    });
    expect(v.warnings).toEqual(['market data for an instrument the venue does not list']);
  });

  it('rejects every submit at rejectRate 1 and drops every ack at dropAckRate 1, fills still reported', () => {
    const v = venue({ faults: { rejectRate: 1 } });
    v.send('connect', { client: 'client' });
    v.send('submit', { client: 'client', order: order('r1') });
    expect(v.reports()).toEqual([
      { clientOrderId: 'r1', event: { type: 'Rejected', reason: 'SIMULATED_REJECT' } },
    ]);
    v.send('setFaults', { rejectRate: 0, dropAckRate: 1 });
    v.send('step', {});
    v.send('submit', { client: 'client', order: order('m1', { type: 'MARKET', price: undefined }) });
    v.send('submit', { client: 'client', order: order('l1', { price: '1.00' }) });
    expect(v.reports().map((r) => `${r.clientOrderId}:${r.event.type}`)).toEqual([
      'r1:Rejected',
      'm1:Filled',
    ]);
    expect(findOrder(v.context(), 'l1')).toMatchObject({ status: 'OPEN', instrumentId: 'BTCUSDT.SIM' });
  });

  it("keeps the account's net position from every fill, beyond the retention of closed orders", () => {
    const v = venue({ closedRetention: 1 });
    v.send('connect', { client: 'client' });
    v.send('step', {});
    const market = (id: string, side: 'BUY' | 'SELL', quantity: string) =>
      v.send('submit', {
        client: 'client',
        order: order(id, { type: 'MARKET', price: undefined, side, quantity }),
      });
    market('p1', 'BUY', '0.3');
    market('p2', 'BUY', '0.2');
    market('p3', 'SELL', '0.1');
    market('p4', 'BUY', '0.1');
    expect(fillsSince(v.context(), 0).length).toBeLessThan(4);
    expect(positions(v.context())).toEqual({ 'BTCUSDT.SIM': '0.500' });
  });

  it('counts every fill in the position when one market move fills several orders at once', () => {
    const v = venue({ closedRetention: 1, markets: { 'BTCUSDT.SIM': { startPrice: '100.00', seed: 3 } } });
    v.send('connect', { client: 'client' });
    v.send('subscribe', { client: 'client', instrumentId: 'BTCUSDT.SIM' });
    v.send('step', {});
    const bid = Number(
      (v.sent.find((m) => m.type === 'quote')?.payload as { bid: string } | undefined)?.bid ?? 0,
    );
    for (const id of ['r1', 'r2', 'r3']) {
      v.send('submit', {
        client: 'client',
        order: order(id, { price: (bid - 0.05).toFixed(2), postOnly: true }),
      });
    }
    for (let i = 0; i < 500 && findOrder(v.context(), 'r3')?.status === 'OPEN'; i += 1) v.send('step', {});
    expect(status(v.context()).fills).toBe(3);
    expect(positions(v.context())).toEqual({ 'BTCUSDT.SIM': '0.300' });
  });

  it('holds reports for the latency and sends them in order when due, from its own timer', () => {
    vi.useFakeTimers();
    vi.setSystemTime(10_000);
    const v = venue({ latency: { ackMs: 50, fillMs: 20 } });
    v.send('connect', { client: 'client' }, 10_000);
    v.send('step', {}, 10_000);
    v.send('submit', { client: 'client', order: order('m1', { type: 'MARKET', price: undefined }) }, 10_000);
    expect(v.reports()).toEqual([]);
    expect(v.context().pending.map((p) => p.due)).toEqual([10_050, 10_050]);
    vi.advanceTimersByTime(49);
    expect(v.reports()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(v.reports().map((r) => r.event.type)).toEqual(['Accepted', 'Filled']);
    expect(v.context().pending).toEqual([]);
    expect(fillsSince(v.context(), 0)).toHaveLength(1);
  });

  it('asks for a market step every intervalMs on its own clock', () => {
    vi.useFakeTimers();
    const v = venue({ market: { intervalMs: 100 } });
    vi.advanceTimersByTime(350);
    expect(v.steps()).toBe(3);
  });

  it('drops every session on dropSessions, and on a step at disconnectRate 1', () => {
    const v = venue();
    v.send('connect', { client: 'a' });
    v.send('connect', { client: 'b' });
    v.send('dropSessions', {});
    expect(v.sent.filter((m) => m.type === 'sessionClosed').map((m) => m.to)).toEqual(['a', 'b']);
    expect(v.context().sessions).toEqual({});
    v.send('connect', { client: 'a' });
    v.send('setFaults', { disconnectRate: 1 });
    v.send('step', {});
    expect(v.sent.at(-1)).toEqual({
      to: 'a',
      type: 'sessionClosed',
      payload: { reason: 'simulated disconnect' },
    });
  });

  it('resumes from a structured clone of its snapshot: the same book, the same walk, the same dice', () => {
    const input = { faults: { rejectRate: 0.3 }, market: { intervalMs: 0, tradeProbability: 0.5 } };
    const play = (v: ReturnType<typeof venue>, from: number, to: number) => {
      for (let i = from; i < to; i += 1) {
        v.send('step', {}, 2_000 + i * 10);
        v.send('submit', { client: 'client', order: order(`o${i}`, { price: '100.00' }) }, 2_001 + i * 10);
        if (i % 3 === 0) v.send('cancel', { client: 'client', clientOrderId: `o${i - 1}` }, 2_002 + i * 10);
      }
    };
    const whole = venue(input);
    whole.send('connect', { client: 'client' });
    whole.send('subscribe', { client: 'client', instrumentId: 'BTCUSDT.SIM' });
    play(whole, 0, 40);

    const first = venue(input);
    first.send('connect', { client: 'client' });
    first.send('subscribe', { client: 'client', instrumentId: 'BTCUSDT.SIM' });
    play(first, 0, 17);
    const second = venue(input, structuredClone(first.cell.persistedState()));
    first.cell.stop();
    play(second, 17, 40);

    expect([...first.sent, ...second.sent]).toEqual(whole.sent);
    expect(status(second.context())).toEqual(status(whole.context()));
    expect(findOrder(second.context(), 'o38')).toEqual(findOrder(whole.context(), 'o38'));
  });
});

describe('the synthetic market through the venue', () => {
  it('is the same sequence of quotes and trades for the same seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (seed) => {
        const ticks = () => {
          const v = venue({ seed });
          v.send('connect', { client: 'client' });
          v.send('subscribe', { client: 'client', instrumentId: 'BTCUSDT.SIM' });
          for (let i = 0; i < 20; i += 1) v.send('step', {}, 5_000 + i);
          return v.sent;
        };
        const first = ticks();
        expect(first.filter((m) => m.type === 'quote')).toHaveLength(20);
        expect(ticks()).toEqual(first);
      }),
      { numRuns: 20 },
    );
  });
});
