import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketDataInput } from '../../actors/market-data/machine.ts';
import { marketDataProtocol } from '../../actors/market-data/protocol.ts';
import type { Bar, QuoteTick, TradeTick } from '../../src/domain/market-data.ts';
import { type ActorStart, siblingModule } from '../../src/index.ts';
import { slowSubscriberModule, slowSubscriberProtocol } from '../fixtures/slow-subscriber.ts';
import { sleep, startSystem, type TestSystem, waitFor } from '../support/system.ts';

const consumer = (busyMs = 0): ActorStart => ({
  actor: { module: slowSubscriberModule, export: 'slowSubscriberActor' },
  input: { busyMs },
});

const marketData = (input: MarketDataInput): ActorStart => ({
  actor: {
    module: siblingModule('../../actors/market-data/worker', import.meta.url),
    export: 'marketDataActor',
  },
  input,
});

const quote = (instrumentId: string, bid: string, ask: string, ts = Date.now()): QuoteTick => ({
  instrumentId,
  bid,
  ask,
  bidSize: '1',
  askSize: '1',
  ts,
});

const trade = (instrumentId: string, price: string, size: string, ts = Date.now(), tradeId?: string) => {
  const tick: TradeTick = { instrumentId, price, size, ts };
  if (tradeId !== undefined) tick.tradeId = tradeId;
  return tick;
};

/** What the test needs of a running system: market data's ref, and what each consumer fixture recorded. */
function probes(t: () => TestSystem) {
  const md = () => t().system.ref('market-data', marketDataProtocol);
  const seen = (id: string) =>
    t().system.ref(id, slowSubscriberProtocol).ask('seen', {}, { timeoutMs: 10_000 });
  const logOf = async (id: string, type: string, instrumentId: string) =>
    (await seen(id)).log
      .filter((m) => m.type === type && (m.payload as { instrumentId: string }).instrumentId === instrumentId)
      .map((m) => m.payload);
  return { md, seen, logOf };
}

describe('market data in real workers', () => {
  let t: TestSystem;

  beforeAll(async () => {
    t = await startSystem([
      { id: 'adapter-SIM', start: consumer() },
      { id: 'exec', start: consumer() },
      { id: 'pf', start: consumer() },
      { id: 'risk', start: consumer() },
      { id: 'strategy', start: consumer() },
      { id: 'fast', start: consumer() },
      {
        id: 'market-data',
        start: marketData({
          priceSinks: { execution: 'exec', portfolio: 'pf', risk: 'risk' },
        }),
      },
    ]);
  });
  afterAll(() => t.system.stop());

  const { md, seen, logOf } = probes(() => t);

  it('asks the adapter for each instrument at its first subscription only', async () => {
    await md().send('subscribe', { subscriber: 'strategy', instrumentId: 'BTCUSDT.SIM' });
    await md().send('subscribe', { subscriber: 'fast', instrumentId: 'BTCUSDT.SIM', quotes: true });
    await md().send('subscribe', { subscriber: 'strategy', instrumentId: 'ETHUSDT.SIM', trades: true });
    const subscribes = await waitFor(async () => {
      const log = (await seen('adapter-SIM')).log.filter((m) => m.type === 'subscribe');
      return log.length >= 2 ? log : undefined;
    });
    await sleep(100);
    expect((await seen('adapter-SIM')).log.filter((m) => m.type === 'subscribe')).toEqual(subscribes);
    expect(subscribes.map((m) => m.payload)).toEqual([
      { instrumentId: 'BTCUSDT.SIM' },
      { instrumentId: 'ETHUSDT.SIM' },
    ]);
  });

  it('delivers ticks to subscribers by their flags, and prices to execution, portfolio and risk', async () => {
    await md().send('quote', quote('BTCUSDT.SIM', '20000.00', '20000.01'));
    await md().send('trade', trade('BTCUSDT.SIM', '20000.50', '0.25'));
    await md().send('trade', trade('ETHUSDT.SIM', '1500.5', '2'));
    await waitFor(async () => (await logOf('risk', 'price', 'ETHUSDT.SIM')).length === 1, 5000, 'risk price');
    expect(await logOf('strategy', 'quote', 'BTCUSDT.SIM')).toHaveLength(1);
    expect(await logOf('strategy', 'trade', 'BTCUSDT.SIM')).toHaveLength(1);
    expect(await logOf('strategy', 'trade', 'ETHUSDT.SIM')).toEqual([
      trade('ETHUSDT.SIM', '1500.5', '2', expect.any(Number)),
    ]);
    expect(await logOf('fast', 'trade', 'BTCUSDT.SIM')).toEqual([]);
    expect(await logOf('exec', 'marketPrice', 'BTCUSDT.SIM')).toEqual([
      { instrumentId: 'BTCUSDT.SIM', price: '20000.00', bid: '20000.00', ask: '20000.01' },
      { instrumentId: 'BTCUSDT.SIM', price: '20000.50' },
    ]);
    expect(await logOf('pf', 'mark', 'ETHUSDT.SIM')).toEqual([
      { instrumentId: 'ETHUSDT.SIM', price: '1500.5' },
    ]);
    expect(await logOf('risk', 'price', 'BTCUSDT.SIM')).toHaveLength(2);
  });

  it('closes bars by the next tick, with OHLCV from trades, or from quote mids when nothing traded', async () => {
    const id = 'BARS.SIM';
    // Tick times well ahead of the clock: only ticks close these bars, not the timer.
    const base = (Math.floor(Date.now() / 1000) + 3600) * 1000;
    await md().send('subscribe', { subscriber: 'strategy', instrumentId: id, barIntervalMs: 1000 });
    await md().send('trade', trade(id, '100.0', '1', base));
    await md().send('trade', trade(id, '103.5', '2', base + 300));
    await md().send('trade', trade(id, '99.5', '1.5', base + 700));
    await md().send('trade', trade(id, '101.0', '0.5', base + 999));
    await md().send('quote', quote(id, '100.0', '100.2', base + 1000));
    await md().send('quote', quote(id, '100.4', '100.6', base + 1500));
    await md().send('trade', trade(id, '102.0', '1', base + 2100));
    const bars = await waitFor(async () => {
      const got = (await logOf('strategy', 'bar', id)) as Bar[];
      return got.length >= 2 ? got : undefined;
    });
    expect(bars).toEqual([
      {
        instrumentId: id,
        intervalMs: 1000,
        start: base,
        open: '100.0',
        high: '103.5',
        low: '99.5',
        close: '101.0',
        volume: '5.0',
        ticks: 4,
      },
      {
        instrumentId: id,
        intervalMs: 1000,
        start: base + 1000,
        open: '100.1',
        high: '100.5',
        low: '100.1',
        close: '100.5',
        volume: '0',
        ticks: 2,
      },
    ]);
  });

  it('closes the bar of a quiet market on its timer', async () => {
    const id = 'QUIET.SIM';
    await md().send('subscribe', {
      subscriber: 'strategy',
      instrumentId: id,
      barIntervalMs: 200,
      trades: false,
    });
    // Both trades early in one interval, so that only the timer can close it.
    const start = Math.ceil(Date.now() / 200) * 200;
    await sleep(start - Date.now() + 5);
    await md().send('trade', trade(id, '7.25', '3', start + 1));
    await md().send('trade', trade(id, '7.5', '1', start + 2));
    const bars = await waitFor(
      async () => {
        const got = (await logOf('strategy', 'bar', id)) as Bar[];
        return got.length > 0 ? got : undefined;
      },
      5000,
      'a bar closed by the timer',
    );
    expect(bars).toEqual([
      {
        instrumentId: id,
        intervalMs: 200,
        start,
        open: '7.25',
        high: '7.5',
        low: '7.25',
        close: '7.5',
        volume: '4',
        ticks: 2,
      },
    ]);
    expect(await logOf('strategy', 'trade', id)).toEqual([]);
  });
});

const FLOW_TICKS = 3000;
const SLOW_BUSY_MS = 2;

describe('market data with a slow subscriber', () => {
  let t: TestSystem;

  beforeAll(async () => {
    t = await startSystem(
      [
        { id: 'adapter-SIM', start: consumer() },
        { id: 'fast', start: consumer() },
        { id: 'slow', start: consumer(SLOW_BUSY_MS) },
        { id: 'market-data', start: marketData({ maxInFlightPerSubscriber: 256 }) },
      ],
      undefined,
      // A window small enough that the slow subscriber would stall the feed if market data sent it every tick.
      { window: 512 },
    );
  });
  afterAll(() => t.system.stop());

  const { md, logOf } = probes(() => t);

  it('keeps a fast subscriber at full rate while a slow one gets the latest values, its drops counted', async () => {
    const id = 'FLOW.SIM';
    await md().send('subscribe', { subscriber: 'fast', instrumentId: id });
    await md().send('subscribe', { subscriber: 'slow', instrumentId: id });
    const started = Date.now();
    const sent: Array<QuoteTick | TradeTick> = [];
    for (let n = 1; n <= FLOW_TICKS; n += 1) {
      const tick =
        n % 2 === 0
          ? trade(id, `${100 + (n % 50)}.5`, '1', started + n, `t${n}`)
          : quote(id, `${100 + (n % 50)}.0`, `${101 + (n % 50)}.0`, started + n);
      sent.push(tick);
      await md().send('tradeId' in tick ? 'trade' : 'quote', tick as never);
      // About 5,000 ticks a second, in small batches as an adapter sends them.
      if (n % 20 === 0) await sleep(4);
    }
    const ticksAt = async (subscriber: string) =>
      (await logOf(subscriber, 'trade', id)).length + (await logOf(subscriber, 'quote', id)).length;
    await waitFor(
      async () => (await ticksAt('fast')) === FLOW_TICKS,
      20_000,
      'the fast subscriber to get every tick',
    );
    const slowWhenFastDone = await ticksAt('slow');
    // Had the slow one held the feed back, the fast one could not have got every tick before the slow one had most.
    expect(slowWhenFastDone).toBeLessThan(FLOW_TICKS / 2);

    const fastTrades = (await logOf('fast', 'trade', id)) as TradeTick[];
    expect(fastTrades.map((tick) => tick.tradeId)).toEqual(
      sent.filter((tick): tick is TradeTick => 'tradeId' in tick).map((tick) => tick.tradeId),
    );

    const stats = await waitFor(
      async () => {
        const reply = await md().ask('stats', {});
        const slow = reply.subscribers.find((s) => s.subscriber === 'slow');
        return slow !== undefined && slow.delivered + slow.dropped === FLOW_TICKS ? reply : undefined;
      },
      20_000,
      'the slow subscriber’s backlog to drain',
    );
    const slow = stats.subscribers.find((s) => s.subscriber === 'slow');
    expect(slow?.dropped).toBeGreaterThan(FLOW_TICKS / 2);
    expect(stats.subscribers.find((s) => s.subscriber === 'fast')?.dropped).toBe(0);

    // The slow one was slow, not hung: its supervisor never saw it fail.
    expect(t.events.filter((event) => event.type === 'child-failed')).toEqual([]);
    // What it got is in order, and ends with the latest values.
    const slowTrades = await waitFor(async () => {
      return (await ticksAt('slow')) === slow?.delivered
        ? ((await logOf('slow', 'trade', id)) as TradeTick[])
        : undefined;
    });
    const numbers = slowTrades.map((tick) => Number(tick.tradeId?.slice(1)));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(slowTrades.at(-1)).toEqual(sent.at(-1));
    expect((await logOf('slow', 'quote', id)).at(-1)).toEqual(sent.at(-2));
  }, 60_000);
});
