import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strategyHostProtocol } from '../../actors/strategy-host/protocol.ts';
import { Instrument } from '../../src/domain/instrument.ts';
import { applyOrderEvent, createOrder, type OrderRequest } from '../../src/domain/order.ts';
import { type ActorStart, siblingModule } from '../../src/index.ts';
import { counterProtocol } from '../fixtures/counter.ts';
import { btcSpec } from '../fixtures/instruments.ts';
import { recorderModule, recorderProtocol } from '../fixtures/recorder.ts';
import { marketDataStubModule, marketDataStubProtocol } from '../fixtures/strategies/market-data-stub.ts';
import { counter, startSystem, type TestSystem, waitFor } from '../support/system.ts';

const hostModule = siblingModule('../../actors/strategy-host/worker', import.meta.url);
const crashModule = new URL('../fixtures/strategies/crash-on-tick.ts', import.meta.url).href;

const host = (input: Record<string, unknown>): ActorStart => ({
  actor: { module: hostModule, export: 'strategyHostActor' },
  input: { instruments: [btcSpec], ...input },
});

const quote = (bid: string, ask: string) => ({
  instrumentId: 'BTCUSDT.SIM',
  bid,
  ask,
  bidSize: '1',
  askSize: '1',
  ts: 1,
});

describe('strategy host in worker threads, under a supervisor', () => {
  let t: TestSystem;

  beforeAll(async () => {
    t = await startSystem([
      { id: 'risk', start: { actor: { module: recorderModule, export: 'recorderActor' } } },
      {
        id: 'market-data',
        start: { actor: { module: marketDataStubModule, export: 'marketDataStubActor' } },
      },
      { id: 'bystander', start: counter() },
      {
        id: 'mm',
        start: host({
          strategy: 'market-maker',
          params: {
            instrumentId: 'BTCUSDT.SIM',
            size: '0.5',
            halfSpreadTicks: 10,
            requoteTicks: 20,
            maxPosition: '2',
          },
        }),
      },
      {
        id: 'crashy',
        start: host({ strategy: crashModule, params: { instrumentId: 'BTCUSDT.SIM', crashAtBid: '102.00' } }),
      },
    ]);
  });
  afterAll(() => t.system.stop());

  const seenAt = (id: string) => t.system.ref(id, recorderProtocol).ask('recorded', {});
  const subscriptions = async () =>
    (await t.system.ref('market-data', marketDataStubProtocol).ask('recorded', {})).map(
      (m) => m.payload as { subscriber: string },
    );
  const submitsOf = async (strategyId: string) =>
    (await seenAt('risk'))
      .filter((m) => m.type === 'submit')
      .map((m) => (m.payload as { order: OrderRequest }).order)
      .filter((order) => order.strategyId === strategyId);
  const status = (id: string) => t.system.ref(id, strategyHostProtocol).ask('status', {});

  it('subscribes to market data for what the strategy asks for', async () => {
    const subscribed = await waitFor(async () => {
      const all = await subscriptions();
      return all.some((s) => s.subscriber === 'mm') ? all : undefined;
    });
    expect(subscribed.find((s) => s.subscriber === 'mm')).toEqual({
      subscriber: 'mm',
      instrumentId: 'BTCUSDT.SIM',
      quotes: true,
    });
  });

  it('turns a quote into orders at risk, and an order event into the strategy', async () => {
    await waitFor(async () => (await status('mm')).state === 'running', 10_000, 'mm to run');
    t.system.ref('mm', strategyHostProtocol).tell('quote', quote('20000.00', '20001.00'));
    const quotes = await waitFor(async () => {
      const orders = await submitsOf('mm');
      return orders.length >= 2 ? orders : undefined;
    });
    expect(quotes.map((o) => [o.side, o.type, o.price, o.quantity])).toEqual([
      ['BUY', 'LIMIT', '20000.40', '0.500'],
      ['SELL', 'LIMIT', '20000.60', '0.500'],
    ]);
    expect(quotes[0]?.clientOrderId).toMatch(/^mm-[0-9a-z]+-1$/);

    // Execution reports the bid canceled: the strategy replaces it.
    const bid = quotes[0] as OrderRequest;
    const instrument = new Instrument(btcSpec);
    let order = createOrder(bid, instrument, 0);
    for (const event of [{ type: 'Submitted' }, { type: 'Canceled' }] as const) {
      const result = applyOrderEvent(order, event);
      if (result.outcome !== 'applied') throw new Error(result.reason);
      order = result.order;
      t.system.ref('mm', strategyHostProtocol).tell('orderEvent', { order, event });
    }
    const replaced = await waitFor(async () => {
      const orders = await submitsOf('mm');
      return orders.length >= 3 ? orders[2] : undefined;
    });
    expect(replaced).toMatchObject({ side: 'BUY', price: '20000.40' });
    await expect(status('mm')).resolves.toMatchObject({
      strategyId: 'mm',
      state: 'running',
      ticks: 1,
      ordersSubmitted: 3,
      orderEvents: 2,
      errors: 0,
    });
  });

  it('restarts a strategy that throws, which loads again and keeps trading; the rest runs on', async () => {
    const crashy = t.system.ref('crashy', strategyHostProtocol);
    const crashySubscribes = async () => (await subscriptions()).filter((s) => s.subscriber === 'crashy');
    const crashyOrders = (count: number) =>
      waitFor(async () => {
        const submitted = await submitsOf('crashy');
        return submitted.length >= count ? submitted : undefined;
      });
    await waitFor(async () => (await crashySubscribes()).length === 1, 10_000, 'crashy to subscribe');
    t.system.ref('bystander', counterProtocol).tell('inc', { by: 7 });

    crashy.tell('quote', quote('100.00', '100.02'));
    await crashyOrders(1);
    crashy.tell('quote', quote('101.00', '101.02'));
    crashy.tell('quote', quote('102.00', '102.02'));
    await waitFor(
      () => t.events.some((e) => e.type === 'child-restarted' && e.child === 'crashy'),
      15_000,
      'crashy to restart',
    );
    expect(t.events.find((e) => e.type === 'child-failed' && e.child === 'crashy')).toMatchObject({
      reason: { type: 'failure', kind: 'machine-error' },
    });
    const info = t.system.root.whichChildren().find((c) => c.id === 'crashy');
    expect(info?.lastFailure).toContain('crash-on-tick: bid 102.00');

    // Restored, the host loads the strategy again, subscribes again and starts it afresh.
    await waitFor(async () => (await crashySubscribes()).length === 2, 10_000, 'crashy to subscribe again');
    crashy.tell('quote', quote('103.00', '103.02'));
    const orders = await crashyOrders(3);
    // The tick that crashed it is not given again; the one before it is, if the crash took its order with it.
    expect(orders.map((o) => o.price)).toEqual(['100.00', '101.00', '103.00']);
    expect(new Set(orders.map((o) => o.clientOrderId)).size).toBe(3);
    const stem = (order: OrderRequest | undefined) => order?.clientOrderId.replace(/-\d+$/, '');
    expect(stem(orders[2])).not.toBe(stem(orders[0]));
    expect(t.system.root.whichChildren().find((c) => c.id === 'crashy')?.restarts).toBe(1);

    await expect(t.system.ref('bystander', counterProtocol).ask('get', {})).resolves.toMatchObject({
      count: 7,
    });
    await expect(status('mm')).resolves.toMatchObject({ state: 'running' });
    expect(t.system.root.whichChildren().find((c) => c.id === 'mm')?.restarts).toBe(0);
  });
});

describe('strategy host input', () => {
  it('fails the start on an unknown builtin, naming the builtins', async () => {
    await expect(
      startSystem([{ id: 'bad', start: host({ strategy: 'market-taker' }) }], {
        strategy: 'one_for_one',
        intensity: 0,
        periodMs: 1000,
      }),
    ).rejects.toThrow(/unknown strategy 'market-taker': builtins are market-maker, ma-crossover/);
  });

  it('fails the start on params the builtin refuses', async () => {
    await expect(
      startSystem([{ id: 'bad', start: host({ strategy: 'ma-crossover', params: { fast: 5 } }) }], {
        strategy: 'one_for_one',
        intensity: 0,
        periodMs: 1000,
      }),
    ).rejects.toThrow(/ma-crossover: param 'instrumentId' is required/);
  });

  it('fails the actor, with the reason, when a strategy module exports no factory', async () => {
    const module = new URL('../fixtures/strategies/no-factory.ts', import.meta.url).href;
    const t = await startSystem([{ id: 'odd', start: host({ strategy: module }) }]);
    try {
      const failed = await waitFor(() =>
        t.events.find((e) => e.type === 'child-failed' && e.child === 'odd'),
      );
      expect(JSON.stringify(failed)).toContain('exports no strategy factory');
    } finally {
      await t.system.stop();
    }
  });
});

describe('strategy host inline', () => {
  it('hands every kind of message to the strategy, keeps its views, and stops it with the actor', async () => {
    const { calls } = await import('../fixtures/strategies/recording.ts');
    const module = new URL('../fixtures/strategies/recording.ts', import.meta.url).href;
    const t = await startSystem([
      { id: 'risk', start: { actor: { module: recorderModule, export: 'recorderActor' } } },
      {
        id: 'market-data',
        start: { actor: { module: marketDataStubModule, export: 'marketDataStubActor' } },
      },
      { id: 'rec', start: { ...host({ strategy: module, params: { tag: 'inline' } }), placement: 'inline' } },
    ]);
    const mine = () => calls.filter((c) => c.tag === 'inline').map(({ call, detail }) => [call, detail]);
    try {
      const rec = t.system.ref('rec', strategyHostProtocol);
      await waitFor(async () => (await rec.ask('status', {})).state === 'running');
      rec.tell('trade', { instrumentId: 'BTCUSDT.SIM', price: '1.00', size: '1', ts: 1 });
      rec.tell('bar', {
        instrumentId: 'BTCUSDT.SIM',
        intervalMs: 1000,
        start: 0,
        open: '1',
        high: '2',
        low: '1',
        close: '2',
        volume: '3',
        ticks: 3,
      });
      const order = { clientOrderId: 'a-1', status: 'ACCEPTED', instrumentId: 'BTCUSDT.SIM' };
      rec.tell('orderEvent', { order, event: { type: 'Accepted' } });
      rec.tell('orderEvent', { order: { ...order, status: 'CANCELED' }, event: { type: 'Canceled' } });
      rec.tell('portfolioEvent', { kind: 'balance', currency: 'USDT', free: '10' });
      rec.tell('portfolioEvent', {
        kind: 'position',
        instrumentId: 'BTCUSDT.SIM',
        positionId: 'BTCUSDT.SIM',
        quantity: '2',
        positionQuantity: '2',
      });
      await waitFor(async () => (await rec.ask('status', {})).orderEvents === 2);
      await expect(rec.ask('status', {})).resolves.toEqual({
        strategyId: 'rec',
        state: 'running',
        ticks: 1,
        bars: 1,
        ordersSubmitted: 0,
        orderEvents: 2,
        errors: 0,
      });
    } finally {
      await t.system.stop();
    }
    expect(mine()).toEqual([
      ['start', 0],
      ['tick', 'trade'],
      ['bar', '2'],
      ['orderEvent', ['Accepted', ['a-1']]],
      ['orderEvent', ['Canceled', []]],
      ['position', ['2', '2']],
      ['stop', undefined],
    ]);
  });
});
