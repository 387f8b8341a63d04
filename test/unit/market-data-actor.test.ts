import { describe, expect, it } from 'vitest';
import type { MarketDataInput } from '../../actors/market-data/machine.ts';
import { marketDataActor } from '../../actors/market-data/worker.ts';
import { ActorCell } from '../../src/runtime/actor-cell.ts';
import type { ActorIO } from '../../src/runtime/actor-definition.ts';
import { createEnvelope } from '../../src/runtime/envelope.ts';
import { silentIO } from '../../src/runtime/silent-io.ts';

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
