import { type Balances, credit, freeOf, lock } from '../../src/domain/account.ts';
import { Decimal } from '../../src/domain/decimal.ts';
import type { InstrumentSpec } from '../../src/domain/instrument.ts';
import { applyFill, flatPosition, type Position } from '../../src/domain/position.ts';
import { changesReservation, type PortfolioOrder } from './order-events.ts';

export interface FillReport {
  tradeId: string;
  quantity: string;
  price: string;
  commission?: string;
}

/**
 * NETTING: one position per instrument, keyed by the instrument id. HEDGING: a position per opening order, keyed
 * by its position id (the order's `positionId`, or one made from the instrument and the order when it has none),
 * so that a long and a short in one instrument live side by side.
 */
export type OmsType = 'NETTING' | 'HEDGING';

export interface Book {
  omsType: OmsType;
  instruments: Record<string, InstrumentSpec>;
  positions: Record<string, Position>;
  balances: Balances;
  /**
   * What each open order holds locked: its currency and the amount still locked. Updated in place: order flow
   * must not copy a record of every open order per order (the machine's assign marks the state as changed).
   */
  reservations: Record<string, { currency: string; amount: string }>;
}

/** What changed, for risk and the event sinks. `quantity` is the instrument's net over its positions. */
export type BookUpdate =
  | { kind: 'position'; instrumentId: string; positionId: string; quantity: string; positionQuantity: string }
  | { kind: 'balance'; currency: string; free: string };

export interface BookResult {
  book: Book;
  updates: BookUpdate[];
}

function spec(book: Book, instrumentId: string): InstrumentSpec {
  const found = book.instruments[instrumentId];
  if (found === undefined) throw new Error(`instrument ${instrumentId} is not known to the portfolio`);
  return found;
}

function balanceUpdates(book: Book, currencies: Iterable<string>): BookUpdate[] {
  return [...new Set(currencies)].map((currency) => ({
    kind: 'balance' as const,
    currency,
    free: freeOf(book.balances[currency]).toString(),
  }));
}

export function deposit(book: Book, currency: string, amount: string): BookResult {
  const next = { ...book, balances: credit(book.balances, currency, Decimal.parse(amount, 'amount')) };
  return { book: next, updates: balanceUpdates(next, [currency]) };
}

function release(book: Book, clientOrderId: string, amount?: Decimal): Book {
  const reservation = book.reservations[clientOrderId];
  if (reservation === undefined) return book;
  const held = Decimal.parse(reservation.amount);
  const released = amount === undefined || amount.gt(held) ? held : amount;
  const left = held.sub(released);
  const reservations = book.reservations;
  if (left.sign <= 0) delete reservations[clientOrderId];
  else reservations[clientOrderId] = { ...reservation, amount: left.toString() };
  return { ...book, reservations, balances: lock(book.balances, reservation.currency, released.neg()) };
}

/**
 * An order event: a submitted order locks what it may spend (a buy: limit price x quantity in the quote currency;
 * a sell: the quantity in the base currency); an order that can no longer fill unlocks what it still holds.
 */
export function onOrderEvent(book: Book, order: PortfolioOrder, eventType: string): BookResult {
  if (!changesReservation(eventType, order.status)) return { book, updates: [] };
  const instrument = spec(book, order.instrumentId);
  if (eventType === 'Submitted') {
    if (book.reservations[order.clientOrderId] !== undefined) return { book, updates: [] };
    const remaining = Decimal.parse(order.quantity).sub(Decimal.parse(order.filledQuantity));
    const buy = order.side === 'BUY';
    if (buy && order.price === undefined) return { book, updates: [] };
    const currency = buy ? instrument.quoteCurrency : instrument.baseCurrency;
    const amount = buy ? Decimal.parse(order.price as string).mul(remaining) : remaining;
    book.reservations[order.clientOrderId] = { currency, amount: amount.toString() };
    const next: Book = { ...book, balances: lock(book.balances, currency, amount) };
    return { book: next, updates: balanceUpdates(next, [currency]) };
  }
  const currency = book.reservations[order.clientOrderId]?.currency;
  const next = release(book, order.clientOrderId);
  return { book: next, updates: currency === undefined ? [] : balanceUpdates(next, [currency]) };
}

export function positionIdOf(book: Pick<Book, 'omsType'>, order: PortfolioOrder): string {
  if (book.omsType === 'NETTING') return order.instrumentId;
  return order.positionId ?? `${order.instrumentId}-${order.clientOrderId}`;
}

function netQuantity(book: Book, instrumentId: string): Decimal {
  let net = Decimal.zero();
  for (const key in book.positions) {
    const position = book.positions[key] as Position;
    if (position.instrumentId === instrumentId) net = net.add(Decimal.parse(position.quantity));
  }
  return net;
}

/** A fill: the position moves, cash moves (commission in the quote currency), and the order's lock shrinks. */
export function onFill(book: Book, order: PortfolioOrder, fill: FillReport): BookResult {
  const instrument = spec(book, order.instrumentId);
  const quantity = Decimal.parse(fill.quantity, 'fill quantity');
  const notional = Decimal.parse(fill.price, 'fill price').mul(quantity);
  const commission =
    fill.commission === undefined ? Decimal.zero() : Decimal.parse(fill.commission, 'commission');
  const buy = order.side === 'BUY';
  const positionId = positionIdOf(book, order);
  const held = book.positions[positionId];
  if (held !== undefined && held.instrumentId !== order.instrumentId) {
    throw new Error(`position ${positionId} is in ${held.instrumentId}, not ${order.instrumentId}`);
  }
  const position = applyFill(
    held ?? flatPosition(order.instrumentId),
    {
      side: order.side,
      quantity: fill.quantity,
      price: fill.price,
      ...(fill.commission ? { commission: fill.commission } : {}),
    },
    instrument.pricePrecision,
  );
  let balances = credit(book.balances, instrument.baseCurrency, buy ? quantity : quantity.neg());
  balances = credit(
    balances,
    instrument.quoteCurrency,
    buy ? notional.add(commission).neg() : notional.sub(commission),
  );
  let next: Book = { ...book, balances, positions: { ...book.positions, [positionId]: position } };
  const filledPart = buy && order.price !== undefined ? Decimal.parse(order.price).mul(quantity) : quantity;
  next =
    order.status === 'FILLED'
      ? release(next, order.clientOrderId)
      : release(next, order.clientOrderId, filledPart);
  return {
    book: next,
    updates: [
      {
        kind: 'position',
        instrumentId: order.instrumentId,
        positionId,
        quantity: netQuantity(next, order.instrumentId).toString(),
        positionQuantity: position.quantity,
      },
      ...balanceUpdates(next, [instrument.baseCurrency, instrument.quoteCurrency]),
    ],
  };
}
