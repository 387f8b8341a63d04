import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EmulatedOrder, onTick } from '../../actors/execution/emulation.ts';
import type { Order } from '../../src/domain/order.ts';

const trailingSell: Order = {
  clientOrderId: 't',
  strategyId: 's',
  instrumentId: 'BTCUSDT.SIM',
  side: 'SELL',
  type: 'TRAILING_STOP_MARKET',
  quantity: '1',
  trailingOffset: '1.00',
  timeInForce: 'GTC',
  postOnly: false,
  reduceOnly: false,
  status: 'ACCEPTED',
  filledQuantity: '0',
  filledNotional: '0',
  tradeIds: [],
};

const cents = (value: number) => (value / 100).toFixed(2);

describe('order emulation', () => {
  it('a trailing sell stop follows the highest price by its offset and fires on the first fall to it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 10_000, max: 10_500 }), { minLength: 1, maxLength: 60 }),
        (prices) => {
          const emulated: EmulatedOrder = { instrumentId: trailingSell.instrumentId };
          let released: number | undefined;
          for (const [index, price] of prices.entries()) {
            const outcome = onTick(trailingSell, emulated, {
              instrumentId: 'BTCUSDT.SIM',
              price: cents(price),
            });
            if (outcome.kind === 'release') {
              released = index;
              expect(outcome.release.type).toBe('MARKET');
              break;
            }
            if (outcome.kind === 'trail') emulated.trailingTrigger = outcome.trigger;
          }
          // The model: the trigger before tick k is max(p0..p(k-1)) - 1.00; the order fires at the first k that meets it.
          let expected: number | undefined;
          let highest = prices[0] as number;
          for (let k = 1; k < prices.length; k += 1) {
            if ((prices[k] as number) <= highest - 100) {
              expected = k;
              break;
            }
            highest = Math.max(highest, prices[k] as number);
          }
          expect(released).toBe(expected);
        },
      ),
    );
  });

  it('stops and if-touched orders fire on the side of the touch that reaches them', () => {
    const base = { ...trailingSell, trailingOffset: undefined, triggerPrice: '100.00' };
    const tick = (bid: string, ask: string) => ({ instrumentId: 'BTCUSDT.SIM', price: '0.01', bid, ask });
    const fires = (type: Order['type'], side: Order['side'], bid: string, ask: string) =>
      onTick({ ...base, type, side }, { instrumentId: 'BTCUSDT.SIM' }, tick(bid, ask)).kind === 'release';
    expect(fires('STOP_MARKET', 'BUY', '99.98', '99.99')).toBe(false);
    expect(fires('STOP_MARKET', 'BUY', '99.99', '100.00')).toBe(true);
    expect(fires('STOP_MARKET', 'SELL', '100.01', '100.02')).toBe(false);
    expect(fires('STOP_MARKET', 'SELL', '100.00', '100.01')).toBe(true);
    expect(fires('MARKET_IF_TOUCHED', 'BUY', '100.00', '100.01')).toBe(false);
    expect(fires('MARKET_IF_TOUCHED', 'BUY', '99.99', '100.00')).toBe(true);
    expect(fires('LIMIT_IF_TOUCHED', 'SELL', '99.99', '100.00')).toBe(false);
    expect(fires('LIMIT_IF_TOUCHED', 'SELL', '100.00', '100.01')).toBe(true);
  });
});
