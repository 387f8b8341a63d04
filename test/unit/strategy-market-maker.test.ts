import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MarketTick } from '../../actors/strategy-host/strategy.ts';
import { Decimal } from '../../src/domain/decimal.ts';
import type { Order } from '../../src/domain/order.ts';
import { createMarketMaker, MarketMaker, parseMarketMakerParams } from '../../strategies/market-maker.ts';
import { btcSpec } from '../fixtures/instruments.ts';
import { FakeContext } from '../fixtures/strategies/fake-context.ts';

const params = {
  instrumentId: 'BTCUSDT.SIM',
  size: '0.5',
  halfSpreadTicks: 5,
  requoteTicks: 10,
  maxPosition: '1',
};

const quote = (bid: string, ask: string): MarketTick => ({
  kind: 'quote',
  instrumentId: 'BTCUSDT.SIM',
  bid,
  ask,
  bidSize: '1',
  askSize: '1',
  ts: 1,
});

function started(overrides: Record<string, unknown> = {}) {
  const ctx = new FakeContext([btcSpec]);
  const strategy = createMarketMaker({ ...params, ...overrides });
  strategy.onStart?.(ctx);
  return { ctx, strategy };
}

const open = (ctx: FakeContext, side: 'BUY' | 'SELL') => ctx.openOrders().filter((o) => o.side === side);

describe('market maker', () => {
  it('quotes a bid and an ask around the mid, on the tick grid, at the size precision', () => {
    const { ctx, strategy } = started();
    strategy.onTick?.(quote('100.00', '100.03'), ctx);
    // mid 100.015; 5 ticks each side: 99.965 rounds down to 99.96, 100.065 up to 100.07.
    expect(ctx.submitted.map((o) => [o.side, o.type, o.price, o.quantity])).toEqual([
      ['BUY', 'LIMIT', '99.96', '0.500'],
      ['SELL', 'LIMIT', '100.07', '0.500'],
    ]);
    strategy.onTick?.(quote('100.01', '100.04'), ctx);
    expect(ctx.submitted).toHaveLength(2);
  });

  it('cancels when the mid moves requoteTicks, and replaces once the cancel is confirmed', () => {
    const { ctx, strategy } = started();
    strategy.onTick?.(quote('100.00', '100.02'), ctx);
    strategy.onTick?.(quote('100.09', '100.11'), ctx);
    expect(ctx.canceled).toEqual([]);
    strategy.onTick?.(quote('100.10', '100.12'), ctx);
    expect(ctx.canceled).toEqual(['o1', 'o2']);
    strategy.onTick?.(quote('100.20', '100.22'), ctx);
    expect(ctx.canceled).toEqual(['o1', 'o2']);
    expect(ctx.submitted).toHaveLength(2);
    ctx.confirmCancel(strategy, 'o1');
    // A bid at 100.16 would cross the old ask until its cancel is confirmed too.
    expect(ctx.submitted).toHaveLength(2);
    ctx.confirmCancel(strategy, 'o2');
    expect(ctx.submitted.slice(2).map((o) => [o.side, o.price])).toEqual([
      ['BUY', '100.16'],
      ['SELL', '100.26'],
    ]);
  });

  it('keeps a quote whose cancel the venue rejected, and cancels it again on the next move', () => {
    const { ctx, strategy } = started();
    strategy.onTick?.(quote('100.00', '100.02'), ctx);
    ctx.report(strategy, 'o1', { type: 'Submitted' });
    ctx.report(strategy, 'o1', { type: 'Accepted' });
    strategy.onTick?.(quote('100.20', '100.22'), ctx);
    ctx.report(strategy, 'o1', { type: 'PendingCancel' });
    ctx.report(strategy, 'o1', { type: 'CancelRejected', reason: 'too late' });
    strategy.onTick?.(quote('100.20', '100.22'), ctx);
    expect(ctx.canceled.filter((id) => id === 'o1')).toHaveLength(2);
  });

  it('replaces a filled quote and stops quoting the side that would pass maxPosition', () => {
    const { ctx, strategy } = started();
    strategy.onTick?.(quote('100.00', '100.02'), ctx);
    ctx.fill(strategy, 'o1');
    expect(open(ctx, 'BUY').map((o) => o.clientOrderId)).toEqual(['o3']);
    ctx.fill(strategy, 'o3');
    // Long 1 = maxPosition: another bid could take it to 1.5.
    expect(open(ctx, 'BUY')).toEqual([]);
    expect(open(ctx, 'SELL').map((o) => o.clientOrderId)).toEqual(['o2']);
    strategy.onTick?.(quote('100.00', '100.02'), ctx);
    expect(open(ctx, 'BUY')).toEqual([]);
    ctx.fill(strategy, 'o2');
    // Selling brought it back to 0.5: the bid returns beside the new ask.
    expect(open(ctx, 'BUY')).toHaveLength(1);
    expect(open(ctx, 'SELL')).toHaveLength(1);
  });

  it('retries a denied quote on the next tick, not at once', () => {
    const { ctx, strategy } = started();
    strategy.onTick?.(quote('100.00', '100.02'), ctx);
    ctx.report(strategy, 'o1', { type: 'Denied', reason: 'NOTIONAL_ABOVE_ORDER_MAX' });
    expect(ctx.submitted).toHaveLength(2);
    strategy.onTick?.(quote('100.00', '100.02'), ctx);
    expect(ctx.submitted[2]).toMatchObject({ side: 'BUY' });
  });

  it('withholds a side that would cross its own resting quote until that quote is gone', () => {
    const { ctx, strategy } = started({ halfSpreadTicks: 1, requoteTicks: 500, maxPosition: '10' });
    strategy.onTick?.(quote('100.00', '100.00'), ctx);
    ctx.fill(strategy, 'o2');
    strategy.onTick?.(quote('97.00', '97.00'), ctx);
    ctx.fill(strategy, 'o3');
    // A new ask at 97.01 would cross the bid still resting at 99.99.
    expect(open(ctx, 'SELL')).toEqual([]);
    strategy.onTick?.(quote('94.00', '94.00'), ctx);
    expect(ctx.canceled).toEqual(['o1']);
    ctx.confirmCancel(strategy, 'o1');
    expect(ctx.openOrders().map((o) => [o.side, o.price])).toEqual([
      ['BUY', '93.99'],
      ['SELL', '94.01'],
    ]);
  });

  it('takes over orders left from before a restart and cancels them', () => {
    const ctx = new FakeContext([btcSpec]);
    const before = createMarketMaker(params);
    before.onStart?.(ctx);
    before.onTick?.(quote('100.00', '100.02'), ctx);
    const after = createMarketMaker(params);
    after.onStart?.(ctx);
    expect(ctx.canceled).toEqual(['o1', 'o2']);
    after.onTick?.(quote('100.00', '100.02'), ctx);
    expect(ctx.submitted).toHaveLength(2);
    ctx.confirmCancel(after, 'o1');
    expect(ctx.submitted[2]).toMatchObject({ side: 'BUY' });
  });

  it('refuses bad params and an instrument the host does not have, naming the problem', () => {
    expect(() => parseMarketMakerParams({ ...params, size: undefined })).toThrow(/param 'size' is required/);
    expect(() => parseMarketMakerParams({ ...params, halfSpreadTicks: 0 })).toThrow(/halfSpreadTicks/);
    expect(() => parseMarketMakerParams({ ...params, requoteTick: 3 })).toThrow(/unknown param requoteTick/);
    expect(() => parseMarketMakerParams({ ...params, size: '2' })).toThrow(/exceeds maxPosition/);
    expect(() => parseMarketMakerParams({ ...params, maxPosition: '-1' })).toThrow(/must be positive/);
    expect(() => parseMarketMakerParams({ ...params, instrumentId: 'BTC' })).toThrow(/SYMBOL.VENUE/);
    const strategy = createMarketMaker({ ...params, instrumentId: 'ETHUSDT.SIM' });
    expect(() => strategy.onStart?.(new FakeContext([btcSpec]))).toThrow(/not among the host's instruments/);
    const tiny = createMarketMaker({ ...params, size: '0.0001' });
    expect(() => tiny.onStart?.(new FakeContext([btcSpec]))).toThrow(/size precision/);
  });

  type Step =
    | { kind: 'tick'; bidTicks: number; spreadTicks: number }
    | { kind: 'fill'; pick: number; partial: boolean }
    | { kind: 'canceled'; pick: number }
    | { kind: 'rejected'; pick: number };

  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({
      kind: fc.constant('tick' as const),
      bidTicks: fc.integer({ min: 1, max: 3000 }),
      spreadTicks: fc.integer({ min: 0, max: 40 }),
    }),
    fc.record({ kind: fc.constant('fill' as const), pick: fc.nat(), partial: fc.boolean() }),
    fc.record({ kind: fc.constant('canceled' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('rejected' as const), pick: fc.nat() }),
  );

  const left = (order: Order) => Decimal.parse(order.quantity).sub(Decimal.parse(order.filledQuantity));

  it('never quotes a crossed market, and its open orders never take it past maxPosition', () => {
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 30 }),
        (steps, halfSpreadTicks, requoteTicks) => {
          const ctx = new FakeContext([btcSpec]);
          const strategy = new MarketMaker(
            parseMarketMakerParams({
              ...params,
              size: '0.3',
              maxPosition: '1',
              halfSpreadTicks,
              requoteTicks,
            }),
          );
          strategy.onStart?.(ctx);
          const max = Decimal.parse('1');
          let position = Decimal.zero();
          for (const s of steps) {
            const orders = ctx.openOrders();
            const target = orders[('pick' in s ? s.pick : 0) % Math.max(orders.length, 1)];
            if (s.kind === 'tick') {
              const bid = Decimal.fromUnits(BigInt(s.bidTicks), 2);
              const ask = bid.add(Decimal.fromUnits(BigInt(s.spreadTicks), 2));
              strategy.onTick?.(quote(bid.toString(), ask.toString()), ctx);
            } else if (target !== undefined && s.kind === 'fill') {
              const all = left(target);
              const half = all.div(Decimal.of(2), 3, 'DOWN');
              const quantity = s.partial && half.sign > 0 ? half : all;
              ctx.fill(strategy, target.clientOrderId, quantity.toString());
              position = position.add(target.side === 'BUY' ? quantity : quantity.neg());
            } else if (target !== undefined && s.kind === 'canceled') {
              ctx.confirmCancel(strategy, target.clientOrderId);
            } else if (target !== undefined && s.kind === 'rejected' && target.filledQuantity === '0.000') {
              if (target.status === 'INITIALIZED')
                ctx.report(strategy, target.clientOrderId, { type: 'Submitted' });
              ctx.report(strategy, target.clientOrderId, { type: 'Rejected', reason: 'venue says no' });
            }
            const open = ctx.openOrders();
            const bids = open.filter((o) => o.side === 'BUY');
            const asks = open.filter((o) => o.side === 'SELL');
            for (const b of bids) {
              for (const a of asks) {
                expect(Decimal.parse(b.price as string).lt(Decimal.parse(a.price as string))).toBe(true);
              }
            }
            const buying = bids.reduce((sum, o) => sum.add(left(o)), position);
            const selling = asks.reduce((sum, o) => sum.sub(left(o)), position);
            expect(buying.lte(max)).toBe(true);
            expect(selling.gte(max.neg())).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
