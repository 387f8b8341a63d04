import { describe, expect, it } from 'vitest';
import type { MarketDataInput } from '../../actors/market-data/machine.ts';
import { marketDataActor } from '../../actors/market-data/worker.ts';
import { ActorCell } from '../../src/runtime/actor-cell.ts';
import type { ActorIO } from '../../src/runtime/actor-definition.ts';
import { createEnvelope } from '../../src/runtime/envelope.ts';
import { silentIO } from '../../src/runtime/silent-io.ts';
import { SimulatedClock } from '../../src/runtime/simulated-clock.ts';

/** Market data in a cell of this thread, its sends captured; every receiver has room. */
function marketData(input: MarketDataInput = {}) {
  const sent: Array<{ to: string; type: string; payload: unknown }> = [];
  const replies: unknown[] = [];
  const io: ActorIO = {
    ...silentIO('md'),
    now: Date.now,
    tell: (to, type, payload) => {
      sent.push({ to, type, payload });
      return true;
    },
    ask: () => Promise.reject(new Error('no asks here')),
    writable: () => Promise.resolve(),
    room: (_to, limit = Number.POSITIVE_INFINITY) => limit,
    journal: () => undefined,
    reply: (_request, payload) => replies.push(payload),
  };
  const cell = new ActorCell(marketDataActor, { id: 'md', io, input: { closeBarsOnTime: false, ...input } });
  const send = (type: string, payload: unknown, timestamp = Date.now()) => {
    const result = cell.deliver(
      createEnvelope('$main', 'md', type, payload, { replyTo: '$main#1', timestamp }),
    );
    expect(result).toEqual({ ok: true });
  };
  const to = (receiver: string) => sent.filter((m) => m.to === receiver);
  return { cell, send, sent, to, replies };
}

const quote = (instrumentId: string, bid: string, ask: string, ts = 1000) => ({
  instrumentId,
  bid,
  ask,
  bidSize: '1',
  askSize: '1',
  ts,
});
const trade = (instrumentId: string, price: string, size: string, ts = 1000) => ({
  instrumentId,
  price,
  size,
  ts,
});

describe('market data actor', () => {
  it('asks the venue’s adapter for an instrument once, at its first subscription', () => {
    const md = marketData({ adapters: { SIM: 'adapter-SIM', BIN: 'binance' } });
    md.send('subscribe', { subscriber: 's1', instrumentId: 'BTCUSDT.SIM' });
    md.send('subscribe', { subscriber: 's2', instrumentId: 'BTCUSDT.SIM', trades: true });
    md.send('subscribe', { subscriber: 's1', instrumentId: 'ETHUSDT.BIN' });
    md.send('subscribe', { subscriber: 's1', instrumentId: 'X.OTHER' });
    expect(md.sent).toEqual([
      { to: 'adapter-SIM', type: 'subscribe', payload: { instrumentId: 'BTCUSDT.SIM' } },
      { to: 'binance', type: 'subscribe', payload: { instrumentId: 'ETHUSDT.BIN' } },
      { to: 'adapter-OTHER', type: 'subscribe', payload: { instrumentId: 'X.OTHER' } },
    ]);
  });

  it('delivers quotes and trades by each subscriber’s flags, and prices to the sinks', () => {
    const md = marketData({ priceSinks: { execution: 'exec', portfolio: 'pf', risk: 'risk' } });
    md.send('subscribe', { subscriber: 'both', instrumentId: 'BTCUSDT.SIM' });
    md.send('subscribe', { subscriber: 'quotes', instrumentId: 'BTCUSDT.SIM', quotes: true });
    md.send('subscribe', { subscriber: 'trades', instrumentId: 'BTCUSDT.SIM', trades: true });
    md.send('quote', quote('BTCUSDT.SIM', '100.00', '100.01'));
    md.send('trade', trade('BTCUSDT.SIM', '100.02', '0.5'));
    md.send('quote', quote('OTHER.SIM', '1', '2'));
    expect(md.to('both').map((m) => m.type)).toEqual(['quote', 'trade']);
    expect(md.to('quotes').map((m) => m.type)).toEqual(['quote']);
    expect(md.to('trades').map((m) => m.type)).toEqual(['trade']);
    expect(md.to('exec').map((m) => m.payload)).toEqual([
      { instrumentId: 'BTCUSDT.SIM', price: '100.00', bid: '100.00', ask: '100.01' },
      { instrumentId: 'BTCUSDT.SIM', price: '100.02' },
      { instrumentId: 'OTHER.SIM', price: '2', bid: '1', ask: '2' },
    ]);
    expect(md.to('pf').map((m) => [m.type, m.payload])).toContainEqual([
      'mark',
      { instrumentId: 'BTCUSDT.SIM', price: '100.02' },
    ]);
    expect(md.to('risk').map((m) => m.type)).toEqual(['price', 'price', 'price']);
  });

  it('stops delivering after unsubscribe, per instrument or altogether', () => {
    const md = marketData();
    md.send('subscribe', { subscriber: 's', instrumentId: 'A.SIM' });
    md.send('subscribe', { subscriber: 's', instrumentId: 'B.SIM' });
    md.send('unsubscribe', { subscriber: 's', instrumentId: 'A.SIM' });
    md.send('quote', quote('A.SIM', '1', '1'));
    md.send('quote', quote('B.SIM', '1', '1'));
    expect(md.to('s')).toHaveLength(1);
    md.send('unsubscribe', { subscriber: 's' });
    md.send('quote', quote('B.SIM', '1', '1'));
    expect(md.to('s')).toHaveLength(1);
  });

  it('sends bars to the subscribers of their interval, closed by ticks and by closeBars', () => {
    const md = marketData();
    md.send('subscribe', { subscriber: 'bars', instrumentId: 'A.SIM', barIntervalMs: 1000 });
    md.send('subscribe', { subscriber: 'minute', instrumentId: 'A.SIM', barIntervalMs: 60_000 });
    md.send('trade', trade('A.SIM', '10', '1', 1000));
    md.send('trade', trade('A.SIM', '12', '2', 1500));
    md.send('quote', quote('A.SIM', '11.0', '12.0', 2000));
    expect(md.to('bars').map((m) => m.payload)).toEqual([
      {
        instrumentId: 'A.SIM',
        intervalMs: 1000,
        start: 1000,
        open: '10',
        high: '12',
        low: '10',
        close: '12',
        volume: '3',
        ticks: 2,
      },
    ]);
    md.send('closeBars', {}, 2999);
    expect(md.to('bars')).toHaveLength(1);
    md.send('closeBars', {}, 3000);
    expect(md.to('bars').at(-1)?.payload).toMatchObject({ start: 2000, open: '11.5', volume: '0', ticks: 1 });
    expect(md.to('minute')).toEqual([]);
  });

  it('answers stats with counts per subscriber', () => {
    const md = marketData();
    md.send('subscribe', { subscriber: 's', instrumentId: 'A.SIM' });
    md.send('quote', quote('A.SIM', '1', '1'));
    md.send('trade', trade('A.SIM', '1', '1'));
    md.send('stats', {});
    expect(md.replies.at(-1)).toMatchObject({
      quotes: 1,
      trades: 1,
      bars: 0,
      subscribers: [{ subscriber: 's', instruments: ['A.SIM'], delivered: 2, dropped: 0 }],
    });
  });
});

/**
 * Market data on a simulated clock with its bar timer on: what it tells itself (barsDue, closeBars) is delivered
 * back to it at once, stamped with the clock's time, as its endpoint would.
 */
function timedMarketData() {
  const clock = new SimulatedClock(0);
  const sent: Array<{ to: string; type: string; payload: unknown; at: number }> = [];
  const own: Array<{ type: string; payload: unknown; at: number }> = [];
  const io: ActorIO = {
    ...silentIO('md'),
    now: () => clock.now(),
    tell: (to, type, payload) => {
      if (to === 'md') own.push({ type, payload, at: clock.now() });
      else sent.push({ to, type, payload, at: clock.now() });
      return true;
    },
  };
  const cell = new ActorCell(marketDataActor, { id: 'md', io, clock, now: () => clock.now() });
  const told: Array<{ type: string; payload: unknown; at: number }> = [];
  const pump = () => {
    for (let next = own.shift(); next !== undefined; next = own.shift()) {
      told.push(next);
      expect(
        cell.deliver(createEnvelope('md', 'md', next.type, next.payload, { timestamp: next.at })),
      ).toEqual({
        ok: true,
      });
    }
  };
  const send = (type: string, payload: unknown) => {
    expect(cell.deliver(createEnvelope('$main', 'md', type, payload, { timestamp: clock.now() }))).toEqual({
      ok: true,
    });
    pump();
  };
  /** Moves the clock to `time`, firing each timer due by then and handling what it told. */
  const advance = (time: number) => {
    for (let due = clock.nextDue(); due !== undefined && due <= time; due = clock.nextDue()) {
      clock.advanceTo(due);
      pump();
    }
    clock.advanceTo(time);
  };
  return { clock, cell, send, advance, sent, told };
}

describe('market data bar timer', () => {
  it('runs on by the bar period while bars keep closing, and stops after a period that closes none', () => {
    const md = timedMarketData();
    md.send('subscribe', { subscriber: 's1', instrumentId: 'X.SIM', barIntervalMs: 1000, trades: false });
    for (const time of [100, 1100, 2100, 3100]) {
      md.advance(time);
      md.send('trade', trade('X.SIM', '10', '1', time));
    }
    md.advance(9000);
    // Each bar closed at its end, by the timer alone (no tick came after the last one).
    const bars = md.sent.filter((m) => m.type === 'bar').map((m) => (m.payload as { start: number }).start);
    expect(bars).toEqual([0, 1000, 2000, 3000]);
    // Told once when the first bar opened: the bars after it ended on the running timer's beats.
    expect(md.told.filter((m) => m.type === 'barsDue')).toEqual([
      { type: 'barsDue', payload: { at: 1000, everyMs: 1000 }, at: 100 },
    ]);
    // One beat past the last bar closed nothing: the timer stopped there.
    expect(md.told.filter((m) => m.type === 'closeBars').map((m) => m.at)).toEqual([
      1000, 2000, 3000, 4000, 5000,
    ]);
    expect(md.clock.nextDue()).toBeUndefined();
    expect(md.cell.view().value).toBe('idle');
    // A tick after the quiet stretch starts it again, for its own bar's end.
    md.advance(9500);
    md.send('trade', trade('X.SIM', '11', '1', 9500));
    md.advance(10_000);
    expect(
      md.sent.filter((m) => m.type === 'bar').map((m) => (m.payload as { start: number }).start),
    ).toEqual([0, 1000, 2000, 3000, 9000]);
    expect(md.told.filter((m) => m.type === 'barsDue').map((m) => m.payload)).toEqual([
      { at: 1000, everyMs: 1000 },
      { at: 10_000, everyMs: 1000 },
    ]);
  });

  it('beats at the common period of the intervals in the making, so every bar closes at its end', () => {
    const md = timedMarketData();
    md.send('subscribe', { subscriber: 's1', instrumentId: 'X.SIM', barIntervalMs: 2000, trades: false });
    md.send('subscribe', { subscriber: 's2', instrumentId: 'X.SIM', barIntervalMs: 3000, trades: false });
    for (let time = 100; time < 6000; time += 500) {
      md.advance(time);
      md.send('trade', trade('X.SIM', '10', '1', time));
    }
    md.advance(6000);
    const closes = (subscriber: string) =>
      md.sent
        .filter((m) => m.type === 'bar' && m.to === subscriber)
        .map((m) => {
          const bar = m.payload as { start: number; intervalMs: number };
          return { start: bar.start, closedAt: m.at - bar.intervalMs };
        });
    // Each bar closed when its interval ended (closedAt: that end less the interval, i.e. its start).
    expect(closes('s1')).toEqual([0, 2000, 4000].map((start) => ({ start, closedAt: start })));
    expect(closes('s2')).toEqual([0, 3000].map((start) => ({ start, closedAt: start })));
    // The 3 s bars opening after the timer was set for the 2 s ones made it beat every second; the beat at 5 s
    // closed nothing and stopped it, and the bars in the making set it again for their end.
    expect(md.told.filter((m) => m.type === 'barsDue').map((m) => m.payload)).toEqual([
      { at: 2000, everyMs: 2000 },
      { at: 2000, everyMs: 1000 },
      { at: 6000, everyMs: 1000 },
    ]);
    expect(md.told.filter((m) => m.type === 'closeBars').map((m) => m.at)).toEqual([
      2000, 3000, 4000, 5000, 6000,
    ]);
  });
});
