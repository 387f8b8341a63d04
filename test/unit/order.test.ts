import { describe, expect, it } from 'vitest';
import { ClientOrderIdGenerator, parseInstrumentId } from '../../src/domain/identifiers.ts';
import { Instrument } from '../../src/domain/instrument.ts';
import {
  applyOrderEvent,
  createOrder,
  type Order,
  type OrderEvent,
  type OrderRequest,
} from '../../src/domain/order.ts';
import { ValidationError } from '../../src/index.ts';

const btc = new Instrument({
  id: 'BTCUSDT.SIM',
  baseCurrency: 'BTC',
  quoteCurrency: 'USDT',
  pricePrecision: 2,
  sizePrecision: 3,
  tickSize: '0.05',
  minQuantity: '0.001',
  maxQuantity: '100',
});

const limit: OrderRequest = {
  clientOrderId: 'c-1',
  strategyId: 'mm',
  instrumentId: 'BTCUSDT.SIM',
  side: 'BUY',
  type: 'LIMIT',
  quantity: '1.5',
  price: '100.05',
};

function run(order: Order, events: OrderEvent[]): Order {
  return events.reduce((current, event) => applyOrderEvent(current, event).order, order);
}

describe('identifiers', () => {
  it('parses SYMBOL.VENUE and refuses anything else', () => {
    expect(parseInstrumentId('BTCUSDT.SIM')).toEqual({
      value: 'BTCUSDT.SIM',
      symbol: 'BTCUSDT',
      venue: 'SIM',
    });
    expect(() => parseInstrumentId('BTCUSDT')).toThrow(/SYMBOL\.VENUE/);
    expect(() => parseInstrumentId('BTC.sim')).toThrow(ValidationError);
  });

  it('makes unique client order ids, also across a restart of their owner', () => {
    const first = new ClientOrderIdGenerator('mm', 1000);
    const second = new ClientOrderIdGenerator('mm', 2000);
    const ids = new Set([first.next(), first.next(), second.next(), second.next()]);
    expect(ids.size).toBe(4);
  });
});

describe('creating orders', () => {
  it('normalises a valid order to the instrument precision', () => {
    const order = createOrder(limit, btc, 0);
    expect(order).toMatchObject({
      status: 'INITIALIZED',
      quantity: '1.500',
      price: '100.05',
      filledQuantity: '0.000',
    });
  });

  const bad: Array<[string, Partial<OrderRequest>, RegExp]> = [
    ['negative quantity', { quantity: '-1' }, /quantity -1 must be positive/],
    ['zero quantity', { quantity: '0' }, /quantity 0 must be positive/],
    ['NaN quantity', { quantity: 'NaN' }, /quantity: "NaN" is not a decimal number/],
    ['over-precise quantity', { quantity: '1.0005' }, /more than 3 decimal places/],
    ['over-precise price', { price: '100.051' }, /more than 2 decimal places/],
    ['price off the tick', { price: '100.02' }, /not a multiple of the tick size 0.05/],
    ['zero price', { price: '0' }, /price 0 must be positive/],
    ['limit without price', { price: undefined }, /needs a price/],
    ['market with price', { type: 'MARKET' }, /MARKET order takes no price/],
    ['stop without trigger', { type: 'STOP_LIMIT' }, /needs a triggerPrice/],
    ['other instrument', { instrumentId: 'ETHUSDT.SIM' }, /is not BTCUSDT.SIM/],
    ['GTD in the past', { timeInForce: 'GTD', expireTime: 5 }, /has already passed/],
    ['bad side', { side: 'HOLD' as 'BUY' }, /side "HOLD"/],
    ['bad client order id', { clientOrderId: 'has space' }, /clientOrderId/],
  ];
  for (const [name, change, message] of bad) {
    it(`refuses ${name} with the field named`, () => {
      expect(() => createOrder({ ...limit, ...change }, btc, 10)).toThrow(message);
    });
  }
});

describe('order events', () => {
  const accepted = () =>
    run(createOrder(limit, btc, 0), [{ type: 'Submitted' }, { type: 'Accepted', venueOrderId: 'v1' }]);

  it('goes through a whole lifecycle with partial fills and an exact average price', () => {
    const order = run(accepted(), [
      { type: 'Filled', tradeId: 't1', quantity: '0.5', price: '100.05' },
      { type: 'Filled', tradeId: 't2', quantity: '1.0', price: '100.10' },
    ]);
    expect(order).toMatchObject({ status: 'FILLED', filledQuantity: '1.500', venueOrderId: 'v1' });
    expect(order.filledNotional).toBe('150.125');
    expect(order.averageFillPrice).toBe('100.08333333');
  });

  it('ignores a fill whose trade id was applied, and refuses an overfill', () => {
    const partial = run(accepted(), [{ type: 'Filled', tradeId: 't1', quantity: '1.0', price: '100.05' }]);
    expect(
      applyOrderEvent(partial, { type: 'Filled', tradeId: 't1', quantity: '1.0', price: '100.05' }),
    ).toMatchObject({
      outcome: 'ignored',
    });
    const over = applyOrderEvent(partial, {
      type: 'Filled',
      tradeId: 't2',
      quantity: '1.0',
      price: '100.05',
    });
    expect(over).toMatchObject({ outcome: 'refused', reason: /overfill/ });
    expect(over.order.status).toBe('PARTIALLY_FILLED');
    expect(
      applyOrderEvent(
        partial,
        { type: 'Filled', tradeId: 't2', quantity: '1.0', price: '100.05' },
        { allowOverfill: true },
      ).order.status,
    ).toBe('FILLED');
  });

  it('returns a rejected cancel or modify to the status before it', () => {
    const partial = run(accepted(), [{ type: 'Filled', tradeId: 't1', quantity: '0.5', price: '100.05' }]);
    const pending = run(partial, [{ type: 'PendingCancel' }]);
    expect(pending.status).toBe('PENDING_CANCEL');
    expect(applyOrderEvent(pending, { type: 'CancelRejected', reason: 'too late' }).order.status).toBe(
      'PARTIALLY_FILLED',
    );
    const updating = run(accepted(), [{ type: 'PendingUpdate' }, { type: 'PendingCancel' }]);
    expect(applyOrderEvent(updating, { type: 'CancelRejected', reason: 'no' }).order.status).toBe('ACCEPTED');
  });

  it('takes late fills after a cancel, and refuses what the table does not allow', () => {
    const canceled = run(accepted(), [{ type: 'Canceled' }]);
    expect(
      applyOrderEvent(canceled, { type: 'Filled', tradeId: 't9', quantity: '1.5', price: '100.05' }).order
        .status,
    ).toBe('FILLED');
    const refused = applyOrderEvent(canceled, { type: 'Accepted' });
    expect(refused).toMatchObject({ outcome: 'refused', reason: /in CANCELED cannot take Accepted/ });
    expect(applyOrderEvent(accepted(), { type: 'Triggered' })).toMatchObject({
      outcome: 'refused',
      reason: /no trigger/,
    });
  });
});
