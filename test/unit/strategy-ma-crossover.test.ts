import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/decimal.ts';
import type { Bar } from '../../src/domain/market-data.ts';
import { createMaCrossover, MaCrossover, parseMaCrossoverParams } from '../../strategies/ma-crossover.ts';
import { btcSpec } from '../fixtures/instruments.ts';
import { FakeContext } from '../fixtures/strategies/fake-context.ts';

const params = { instrumentId: 'BTCUSDT.SIM', barIntervalMs: 60_000, fast: 2, slow: 3, size: '1' };

const bar = (close: string, change: Partial<Bar> = {}): Bar => ({
  instrumentId: 'BTCUSDT.SIM',
  intervalMs: 60_000,
  start: 0,
  open: close,
  high: close,
  low: close,
  close,
  volume: '1',
  ticks: 1,
  ...change,
});

function started(overrides: Record<string, unknown> = {}) {
  const ctx = new FakeContext([btcSpec]);
  const strategy = createMaCrossover({ ...params, ...overrides });
  strategy.onStart?.(ctx);
  const feed = (...closes: string[]) => {
    for (const close of closes) strategy.onBar?.(bar(close), ctx);
  };
  return { ctx, strategy, feed };
}

const orders = (ctx: FakeContext) => ctx.submitted.map((o) => [o.side, o.type, o.quantity]);

describe('moving average crossover', () => {
  it('subscribes to time bars of its interval', () => {
    expect(createMaCrossover(params).subscriptions).toEqual([
      { instrumentId: 'BTCUSDT.SIM', barIntervalMs: 60_000 },
    ]);
  });

  it('trades on a cross only: long size above, short size below, for the difference from its position', () => {
    const { ctx, strategy, feed } = started();
    // fast (2) 9.5 below slow (3) 9.67: the first comparison sets the side, without a trade.
    feed('10', '10', '10', '9');
    expect(ctx.submitted).toEqual([]);
    // [10, 9, 12]: fast 10.5 above slow 10.33.
    feed('12');
    expect(orders(ctx)).toEqual([['BUY', 'MARKET', '1.000']]);
    ctx.fill(strategy, 'o1', undefined, '12');
    feed('13');
    expect(ctx.submitted).toHaveLength(1);
    // [12, 13, 5]: fast 9 below slow 10: from long 1 to short 1.
    feed('5');
    expect(orders(ctx)[1]).toEqual(['SELL', 'MARKET', '2.000']);
  });

  it('counts working orders, so that a cross before the fill does not trade twice', () => {
    const { ctx, feed } = started();
    feed('10', '10', '9', '12');
    expect(orders(ctx)).toEqual([['BUY', 'MARKET', '1.000']]);
    // [9, 12, 5] below, then [12, 5, 20] above again, all before o1 fills.
    feed('5');
    expect(orders(ctx)[1]).toEqual(['SELL', 'MARKET', '2.000']);
    feed('20');
    expect(orders(ctx)[2]).toEqual(['BUY', 'MARKET', '2.000']);
  });

  it('compares the averages exactly, whatever the number of decimals', () => {
    const { ctx, feed } = started({ fast: 1, slow: 3 });
    // 0.1 + 0.2 + 0.3 over 3 is exactly 0.2: equal to the fast average, so no side yet, and rising from a tie is
    // no cross. In binary floats the slow average comes out above 0.2, and the rise would buy.
    feed('0.1', '0.3', '0.2');
    feed('0.31');
    expect(orders(ctx)).toEqual([]);
  });

  it('ignores bars of other instruments and intervals', () => {
    const { ctx, strategy, feed } = started();
    feed('10', '10', '9');
    strategy.onBar?.(bar('50', { intervalMs: 1000 }), ctx);
    strategy.onBar?.(bar('50', { instrumentId: 'ETHUSDT.SIM' }), ctx);
    expect(ctx.submitted).toEqual([]);
    feed('12');
    expect(ctx.submitted).toHaveLength(1);
  });

  it('starts from the position and open orders it finds', () => {
    const ctx = new FakeContext([btcSpec]);
    ctx.positions.set('BTCUSDT.SIM', {
      instrumentId: 'BTCUSDT.SIM',
      positionId: 'BTCUSDT.SIM',
      quantity: '-1',
    });
    const strategy = createMaCrossover(params);
    strategy.onStart?.(ctx);
    for (const close of ['10', '10', '9', '12']) strategy.onBar?.(bar(close), ctx);
    expect(orders(ctx)).toEqual([['BUY', 'MARKET', '2.000']]);
  });

  it('refuses bad params, naming them', () => {
    expect(() => parseMaCrossoverParams({ ...params, fast: 3 })).toThrow(
      /fast \(3\) must be shorter than slow/,
    );
    expect(() => parseMaCrossoverParams({ ...params, barIntervalMs: 0 })).toThrow(/barIntervalMs/);
    expect(() => parseMaCrossoverParams({ ...params, size: 'one' })).toThrow(/param 'size'/);
    expect(() => parseMaCrossoverParams({ ...params, slowest: 3 })).toThrow(/unknown param slowest/);
    const strategy = createMaCrossover({ ...params, size: '0.0004' });
    expect(() => strategy.onStart?.(new FakeContext([btcSpec]))).toThrow(/size precision/);
  });

  it('holds long size, short size or nothing, on the side of the last cross, when its orders fill', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 120 }), (closes) => {
        const ctx = new FakeContext([btcSpec]);
        const strategy = new MaCrossover(parseMaCrossoverParams(params));
        strategy.onStart?.(ctx);
        const size = Decimal.parse('1');
        let traded = 0;
        for (const close of closes) {
          strategy.onBar?.(bar(String(close)), ctx);
          for (const order of ctx.openOrders())
            ctx.fill(strategy, order.clientOrderId, undefined, String(close));
          const exposure = strategy.exposure();
          expect([size.neg(), Decimal.zero(), size].some((q) => q.eq(exposure))).toBe(true);
          if (ctx.submitted.length > traded) {
            const last = ctx.submitted[ctx.submitted.length - 1];
            expect(exposure.sign).toBe(last?.side === 'BUY' ? 1 : -1);
            traded = ctx.submitted.length;
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
