import { describe, expect, it } from 'vitest';
import { checkModify, checkSubmit, type RiskView } from '../../actors/risk/checks.ts';
import { Throttle } from '../../actors/risk/throttle.ts';
import { Decimal } from '../../src/domain/decimal.ts';
import { Instrument } from '../../src/domain/instrument.ts';
import type { OrderRequest } from '../../src/domain/order.ts';

const btc = new Instrument({
  id: 'BTCUSDT.SIM',
  baseCurrency: 'BTC',
  quoteCurrency: 'USDT',
  pricePrecision: 2,
  sizePrecision: 3,
  tickSize: '0.01',
  minQuantity: '0.010',
  maxQuantity: '10',
  minNotional: '10',
  maxNotional: '500000',
});

function view(change: Partial<RiskView> = {}): RiskView {
  return {
    now: 1_000_000,
    tradingState: 'ACTIVE',
    limits: { maxNotionalPerOrder: '100000', maxPosition: { 'BTCUSDT.SIM': '5' }, maxOpenOrders: 3 },
    instruments: new Map([['BTCUSDT.SIM', btc]]),
    positions: new Map(),
    freeBalances: new Map([
      ['USDT', Decimal.parse('200000')],
      ['BTC', Decimal.parse('2')],
    ]),
    lastPrices: new Map([['BTCUSDT.SIM', Decimal.parse('20000')]]),
    openOrders: 0,
    knownOrderIds: new Set(),
    submitThrottle: new Throttle(100, 1000),
    ...change,
  };
}

const buy: OrderRequest = {
  clientOrderId: 'c-1',
  strategyId: 's',
  instrumentId: 'BTCUSDT.SIM',
  side: 'BUY',
  type: 'LIMIT',
  quantity: '1',
  price: '20000.00',
};

const reasonOf = (order: Partial<OrderRequest>, v: RiskView = view()) =>
  checkSubmit({ ...buy, ...order }, v)?.reason;

describe('risk checks', () => {
  it('passes a valid order', () => {
    expect(checkSubmit(buy, view())).toBeUndefined();
  });

  it('checks each rule with a stable reason', () => {
    expect(reasonOf({ instrumentId: 'ETHUSDT.SIM' })).toBe('INSTRUMENT_UNKNOWN');
    expect(reasonOf({ price: '20000.001' })).toBe('PRICE_INVALID');
    expect(reasonOf({ price: '-1' })).toBe('PRICE_INVALID');
    expect(reasonOf({ type: 'STOP_LIMIT', triggerPrice: '0' })).toBe('TRIGGER_PRICE_INVALID');
    expect(reasonOf({ quantity: '0.0001' })).toBe('QUANTITY_INVALID');
    expect(reasonOf({ quantity: '0.009' })).toBe('QUANTITY_BELOW_MIN');
    expect(reasonOf({ quantity: '10.001' })).toBe('QUANTITY_ABOVE_MAX');
    expect(reasonOf({ timeInForce: 'GTD', expireTime: 1_000_000 })).toBe('GTD_EXPIRED');
    expect(reasonOf({ type: 'MARKET', price: undefined }, view({ lastPrices: new Map() }))).toBe(
      'NO_PRICE_FOR_NOTIONAL',
    );
    expect(reasonOf({ quantity: '0.010', price: '999.99' })).toBe('NOTIONAL_BELOW_INSTRUMENT_MIN');
    expect(reasonOf({ quantity: '9' })).toBe('NOTIONAL_ABOVE_ORDER_MAX');
    expect(reasonOf({ quantity: '10', price: '20000.01' }, view({ limits: {} }))).toBe(
      'INSUFFICIENT_BALANCE',
    );
    expect(reasonOf({ quantity: '6', price: '2.00' }, view())).toBe('POSITION_LIMIT');
    expect(reasonOf({}, view({ openOrders: 3 }))).toBe('MAX_OPEN_ORDERS');
    expect(reasonOf({}, view({ knownOrderIds: new Set(['c-1']) }))).toBe('DUPLICATE_ORDER');
    expect(reasonOf({ reduceOnly: true })).toBe('REDUCE_ONLY');
  });

  it('passes exactly at a limit and denies one tick or one lot over', () => {
    // 5 BTC at 20000 = 100000: exactly the per-order maximum.
    const rich = view({ freeBalances: new Map([['USDT', Decimal.parse('1000000')]]) });
    expect(reasonOf({ quantity: '5', price: '20000.00' }, rich)).toBeUndefined();
    expect(reasonOf({ quantity: '5', price: '20000.01' }, rich)).toBe('NOTIONAL_ABOVE_ORDER_MAX');
    expect(reasonOf({ quantity: '0.010', price: '1000.00' })).toBeUndefined();
    expect(reasonOf({ quantity: '0.010', price: '999.99' })).toBe('NOTIONAL_BELOW_INSTRUMENT_MIN');
    const cheap = view({
      freeBalances: new Map([['USDT', Decimal.parse('1000000')]]),
      limits: { maxPosition: { 'BTCUSDT.SIM': '5' } },
    });
    expect(reasonOf({ quantity: '5', price: '2.00' }, cheap)).toBeUndefined();
    expect(reasonOf({ quantity: '5.001', price: '2.00' }, cheap)).toBe('POSITION_LIMIT');
    expect(
      reasonOf(
        { quantity: '10', price: '20000.00' },
        view({ freeBalances: new Map([['USDT', Decimal.parse('200000')]]), limits: {} }),
      ),
    ).toBeUndefined();
    expect(
      reasonOf(
        { quantity: '10', price: '20000.01' },
        view({ freeBalances: new Map([['USDT', Decimal.parse('200000')]]), limits: {} }),
      ),
    ).toBe('INSUFFICIENT_BALANCE');
  });

  it('lets a sell that only reduces a long skip the balance check', () => {
    const long = view({ positions: new Map([['BTCUSDT.SIM', Decimal.parse('3')]]), freeBalances: new Map() });
    expect(reasonOf({ side: 'SELL', quantity: '3' }, long)).toBeUndefined();
    expect(reasonOf({ side: 'SELL', quantity: '3.001' }, long)).toBe('INSUFFICIENT_BALANCE');
  });

  it('in REDUCING passes only orders that reduce, and in HALTED nothing', () => {
    const reducing = view({
      tradingState: 'REDUCING',
      positions: new Map([['BTCUSDT.SIM', Decimal.parse('2')]]),
      freeBalances: new Map([
        ['USDT', Decimal.parse('200000')],
        ['BTC', Decimal.parse('5')],
      ]),
    });
    expect(reasonOf({ side: 'SELL', quantity: '2' }, reducing)).toBeUndefined();
    expect(reasonOf({ side: 'BUY', quantity: '0.5' }, reducing)).toBe('TRADING_REDUCING');
    expect(reasonOf({ side: 'SELL', quantity: '2.5' }, reducing)).toBe('TRADING_REDUCING');
    expect(reasonOf({}, view({ tradingState: 'HALTED' }))).toBe('TRADING_HALTED');
  });

  it('throttles submits in a sliding window', () => {
    const throttle = new Throttle(100, 1000);
    const at = (now: number, id: string) =>
      reasonOf({ clientOrderId: id }, view({ now, submitThrottle: throttle }));
    for (let i = 0; i < 100; i += 1) expect(at(1_000_000 + i, `a${i}`)).toBeUndefined();
    expect(at(1_000_500, 'over')).toBe('SUBMIT_RATE');
    // The first submit leaves the window at 1_001_000; one more may pass then.
    expect(at(1_000_999, 'still-over')).toBe('SUBMIT_RATE');
    expect(at(1_001_000, 'again')).toBeUndefined();
  });

  it('denies when a check throws (fail closed)', () => {
    const broken = view({ limits: { maxNotionalPerOrder: 'lots' } });
    expect(checkSubmit(buy, broken)).toMatchObject({ reason: 'CHECK_FAILED', message: /denied/ });
  });

  describe('on a modify', () => {
    const modified = (change: Partial<OrderRequest>, v: RiskView = view()) =>
      checkModify({ ...buy, ...change }, buy, v)?.reason;

    it('checks the order as the modify leaves it', () => {
      expect(modified({ quantity: '2' })).toBeUndefined();
      expect(modified({ quantity: '5.001' })).toBe('NOTIONAL_ABOVE_ORDER_MAX');
      expect(modified({ price: '20000.001' })).toBe('PRICE_INVALID');
      expect(modified({ quantity: '5.0001' })).toBe('QUANTITY_INVALID');
      expect(modified({ quantity: '6', price: '10000.00' })).toBe('POSITION_LIMIT');
    });

    it('asks the balance only for what the change adds', () => {
      // 20,000 free: the order already holds its 20,000, so doubling it needs 20,000 more, not 40,000.
      const tight = view({ freeBalances: new Map([['USDT', Decimal.parse('20000')]]) });
      expect(modified({ quantity: '2' }, tight)).toBeUndefined();
      expect(modified({ quantity: '2.001' }, tight)).toBe('INSUFFICIENT_BALANCE');
      expect(modified({ quantity: '0.5' }, view({ freeBalances: new Map() }))).toBeUndefined();
    });

    it('does not count the order again: open orders, duplicates and the submit rate do not apply', () => {
      const full = view({
        openOrders: 3,
        knownOrderIds: new Set(['c-1']),
        submitThrottle: new Throttle(1, 1000, { times: [999_999], start: 0 }),
      });
      expect(modified({ quantity: '2' }, full)).toBeUndefined();
    });

    it('applies the trading state and reduce-only to the modified order', () => {
      expect(modified({ quantity: '2' }, view({ tradingState: 'HALTED' }))).toBe('TRADING_HALTED');
      const long = view({ positions: new Map([['BTCUSDT.SIM', Decimal.parse('1')]]) });
      const sell = { ...buy, side: 'SELL' as const, reduceOnly: true };
      expect(checkModify({ ...sell, quantity: '0.5' }, sell, long)).toBeUndefined();
      expect(checkModify({ ...sell, quantity: '1.5' }, sell, long)?.reason).toBe('REDUCE_ONLY');
    });
  });
});
