import { describe, expect, it } from 'vitest';
import { type Book, deposit, type OmsType, onFill } from '../../actors/portfolio/book.ts';
import type { PortfolioOrder } from '../../actors/portfolio/order-events.ts';
import { btcSpec } from '../fixtures/instruments.ts';

const emptyBook = (omsType: OmsType): Book =>
  deposit(
    { omsType, instruments: { [btcSpec.id]: btcSpec }, positions: {}, balances: {}, reservations: {} },
    'USDT',
    '100000',
  ).book;

const order = (clientOrderId: string, side: 'BUY' | 'SELL', positionId?: string): PortfolioOrder => ({
  clientOrderId,
  instrumentId: btcSpec.id,
  side,
  quantity: '1',
  filledQuantity: '1',
  status: 'FILLED',
  ...(positionId === undefined ? {} : { positionId }),
});

/** Quantities and PnL compared by value: their scale follows the arithmetic that made them. */
const values = (position: object | undefined) =>
  Object.fromEntries(
    Object.entries(position ?? {}).map(([key, value]) => [
      key,
      typeof value === 'string' ? Number(value) : value,
    ]),
  );

const fill = (tradeId: string, price: string) => ({ tradeId, quantity: '1', price });

describe('portfolio positions', () => {
  it('nets a buy and a sell in one instrument into one flat position', () => {
    let book = emptyBook('NETTING');
    book = onFill(book, order('c-1', 'BUY'), fill('t-1', '20000')).book;
    const { book: after, updates } = onFill(book, order('c-2', 'SELL'), fill('t-2', '20100'));
    expect(Object.keys(after.positions)).toEqual([btcSpec.id]);
    expect(values(after.positions[btcSpec.id])).toMatchObject({ quantity: 0, realizedPnl: 100 });
    expect(updates[0]).toMatchObject({ kind: 'position', positionId: btcSpec.id, quantity: '0' });
  });

  it('hedging keeps a long and a short side by side, and tells risk the net', () => {
    let book = emptyBook('HEDGING');
    book = onFill(book, order('c-1', 'BUY'), fill('t-1', '20000')).book;
    const { book: hedged, updates } = onFill(book, order('c-2', 'SELL'), fill('t-2', '20100'));
    expect(values(hedged.positions['BTCUSDT.SIM-c-1'])).toMatchObject({ quantity: 1, realizedPnl: 0 });
    expect(values(hedged.positions['BTCUSDT.SIM-c-2'])).toMatchObject({ quantity: -1 });
    expect(updates[0]).toMatchObject({
      positionId: 'BTCUSDT.SIM-c-2',
      quantity: '0',
      positionQuantity: '-1',
    });

    const closed = onFill(hedged, order('c-3', 'SELL', 'BTCUSDT.SIM-c-1'), fill('t-3', '20500'));
    expect(values(closed.book.positions['BTCUSDT.SIM-c-1'])).toMatchObject({
      quantity: 0.0,
      realizedPnl: 500.0,
    });
    expect(closed.updates[0]).toMatchObject({ quantity: '-1' });
  });

  it('refuses a fill for a position in another instrument', () => {
    const book = onFill(emptyBook('HEDGING'), order('c-1', 'BUY', 'P-1'), fill('t-1', '20000')).book;
    const eth = { ...order('c-2', 'SELL', 'P-1'), instrumentId: 'ETHUSDT.SIM' };
    expect(() =>
      onFill(
        { ...book, instruments: { ...book.instruments, 'ETHUSDT.SIM': { ...btcSpec, id: 'ETHUSDT.SIM' } } },
        eth,
        fill('t-2', '1'),
      ),
    ).toThrow(/position P-1 is in BTCUSDT.SIM/);
  });
});
