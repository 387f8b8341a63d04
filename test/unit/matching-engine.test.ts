import { describe, expect, it } from 'vitest';
import { MatchingEngine, type VenueReport } from '../../actors/venue-sim/matching-engine.ts';
import { Instrument } from '../../src/domain/instrument.ts';
import { btcSpec } from '../fixtures/instruments.ts';

const engine = () =>
  new MatchingEngine(new Instrument(btcSpec), { venue: 'SIM', makerFee: '0.0001', takerFee: '0.0005' });
const limit = (id: string, side: 'BUY' | 'SELL', quantity: string, price: string, extra = {}) => ({
  clientOrderId: id,
  side,
  type: 'LIMIT',
  quantity,
  price,
  ...extra,
});
const events = (reports: VenueReport[]) =>
  reports.map((r) => {
    const e = r.event;
    return `${r.clientOrderId}:${e.type}${e.type === 'Filled' ? ` ${e.quantity}@${e.price}` : ''}`;
  });

describe('the simulated venue’s matching engine', () => {
  it('fills by price, then time, at the resting order’s price, with maker and taker fees', () => {
    const venue = engine();
    venue.submit(limit('s1', 'SELL', '1', '100.00'), 0);
    venue.submit(limit('s2', 'SELL', '1', '99.00'), 1);
    venue.submit(limit('s3', 'SELL', '1', '99.00'), 2);
    const reports = venue.submit(limit('b1', 'BUY', '2.5', '100.00'), 3);
    expect(events(reports)).toEqual([
      'b1:Accepted',
      's2:Filled 1.000@99.00',
      'b1:Filled 1.000@99.00',
      's3:Filled 1.000@99.00',
      'b1:Filled 1.000@99.00',
      's1:Filled 0.500@100.00',
      'b1:Filled 0.500@100.00',
    ]);
    const fees = reports
      .filter((r) => r.event.type === 'Filled')
      .map((r) => (r.event as { commission: string }).commission);
    expect(fees.slice(0, 2)).toEqual(['0.00990000', '0.04950000']);
    expect(venue.order('s1')).toMatchObject({ status: 'OPEN', filledQuantity: '0.500' });
    expect(venue.order('b1')).toMatchObject({ status: 'FILLED', filledQuantity: '2.500' });
  });

  it('cancels what a market or IOC order cannot fill, and a FOK order that cannot fill entirely', () => {
    const venue = engine();
    venue.submit(limit('s1', 'SELL', '1', '100.00'), 0);
    expect(
      events(
        venue.submit(
          {
            clientOrderId: 'f',
            side: 'BUY',
            type: 'LIMIT',
            quantity: '2',
            price: '100.00',
            timeInForce: 'FOK',
          },
          1,
        ),
      ),
    ).toEqual(['f:Accepted', 'f:Canceled']);
    expect(
      events(venue.submit({ clientOrderId: 'm', side: 'BUY', type: 'MARKET', quantity: '2' }, 2)),
    ).toEqual(['m:Accepted', 's1:Filled 1.000@100.00', 'm:Filled 1.000@100.00', 'm:Canceled']);
    expect(venue.bestAsk()).toBeUndefined();
  });

  it('rejects a post-only order that would take, a duplicate id, a bad price and an unsupported type', () => {
    const venue = engine();
    venue.submit(limit('s1', 'SELL', '1', '100.00'), 0);
    const reason = (reports: VenueReport[]) => (reports[0]?.event as { reason?: string } | undefined)?.reason;
    expect(reason(venue.submit(limit('p', 'BUY', '1', '100.00', { postOnly: true }), 1))).toBe(
      'post-only order would take liquidity',
    );
    expect(events(venue.submit(limit('p2', 'BUY', '1', '99.99', { postOnly: true }), 1))).toEqual([
      'p2:Accepted',
    ]);
    expect(reason(venue.submit(limit('s1', 'SELL', '1', '101.00'), 2))).toBe('duplicate client order id s1');
    expect(reason(venue.submit(limit('x', 'SELL', '1', '101.001'), 2))).toMatch(/price/);
    expect(
      reason(venue.submit({ clientOrderId: 'y', side: 'SELL', type: 'STOP_MARKET', quantity: '1' }, 2)),
    ).toMatch(/not supported/);
  });

  it('fills a resting order when the synthetic market moves through it', () => {
    const venue = engine();
    venue.setMarket({ bids: [['99.00', '5']], asks: [['101.00', '5']] }, 0);
    venue.submit(limit('b', 'BUY', '1', '100.00'), 1);
    expect(venue.bestBid()).toBe('100.00');
    const reports = venue.setMarket(
      {
        bids: [['98.00', '5']],
        asks: [
          ['99.50', '0.4'],
          ['100.00', '5'],
        ],
      },
      2,
    );
    expect(events(reports)).toEqual(['b:Filled 0.400@100.00', 'b:Filled 0.600@100.00']);
    expect(venue.bestAsk()).toBe('100.00');
  });

  it('modifies: more quantity or a new price loses priority; cancels answer for unknown orders', () => {
    const venue = engine();
    venue.submit(limit('a', 'SELL', '1', '100.00'), 0);
    venue.submit(limit('b', 'SELL', '1', '100.00'), 1);
    expect(events(venue.modify('a', { quantity: '2' }, 2))).toEqual(['a:Updated']);
    expect(events(venue.submit(limit('t', 'BUY', '1', '100.00'), 3))).toEqual([
      't:Accepted',
      'b:Filled 1.000@100.00',
      't:Filled 1.000@100.00',
    ]);
    expect(events(venue.modify('a', { price: '99.00' }, 4))).toEqual(['a:Updated']);
    expect(venue.bestAsk()).toBe('99.00');
    expect(events(venue.cancel('a', 5))).toEqual(['a:Canceled']);
    expect(events(venue.cancel('a', 6))).toEqual(['a:CancelRejected']);
    expect(events(venue.modify('zz', { price: '1.00' }, 6))).toEqual(['zz:ModifyRejected']);
    expect(venue.openOrders()).toEqual([]);
    expect(venue.fillsSince(3).map((f) => f.clientOrderId)).toEqual(['b', 't']);
  });
});
