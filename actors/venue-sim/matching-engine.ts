import { Decimal } from '../../src/domain/decimal.ts';
import type { Instrument } from '../../src/domain/instrument.ts';
import type { OrderSide, TimeInForce } from '../../src/domain/order-types.ts';
import { BookSide, type RestingOrder } from './order-book.ts';

/** What the venue tells its client about an order: the events execution applies (see its protocol). */
export type VenueEvent =
  | { type: 'Accepted'; venueOrderId: string }
  | { type: 'Rejected'; reason: string }
  | { type: 'Canceled'; reason?: string }
  | { type: 'Updated'; quantity?: string; price?: string }
  | { type: 'ModifyRejected'; reason: string }
  | { type: 'CancelRejected'; reason: string }
  | { type: 'Filled'; tradeId: string; quantity: string; price: string; commission: string };

export interface VenueReport {
  clientOrderId: string;
  event: VenueEvent;
  /** The venue's clock when it happened. */
  at: number;
}

export interface VenueOrderRequest {
  clientOrderId: string;
  side: OrderSide;
  type: string;
  quantity: string;
  price?: string;
  timeInForce?: TimeInForce;
  postOnly?: boolean;
}

export type VenueOrderStatus = 'OPEN' | 'FILLED' | 'CANCELED' | 'REJECTED';

/** What the venue keeps of every order a client sent it: for queries and reconciliation. */
export interface VenueOrderRecord {
  clientOrderId: string;
  venueOrderId: string;
  side: OrderSide;
  quantity: string;
  price?: string;
  status: VenueOrderStatus;
  filledQuantity: string;
  fills: Array<{ tradeId: string; quantity: string; price: string; commission: string; at: number }>;
}

export interface MatchingOptions {
  /** Names trade and venue order ids. */
  venue: string;
  /** Fee rates on the notional, as decimal text (0.0002 = 2 bp). */
  makerFee?: string;
  takerFee?: string;
}

/** The order types this venue matches itself; execution emulates the rest. */
export const NATIVE_TYPES = ['MARKET', 'LIMIT'] as const;

/**
 * A price-time priority matching engine for one instrument. Client orders meet each other and the synthetic
 * market's liquidity (orders owned by `market`, replaced on every market update); a fill happens at the resting
 * order's price. Market orders and IOC take what is there and cancel the rest; FOK fills entirely or is canceled;
 * a post-only order that would take liquidity is rejected. Pure: the caller gives the time of each call.
 */
export class MatchingEngine {
  private readonly bids = new BookSide('BUY');
  private readonly asks = new BookSide('SELL');
  private readonly resting = new Map<string, RestingOrder>();
  private readonly records = new Map<string, VenueOrderRecord>();
  private readonly makerFee: Decimal;
  private readonly takerFee: Decimal;
  private sequence = 0;
  private trades = 0;

  constructor(
    readonly instrument: Instrument,
    readonly options: MatchingOptions,
  ) {
    this.makerFee = Decimal.parse(options.makerFee ?? '0', 'makerFee');
    this.takerFee = Decimal.parse(options.takerFee ?? '0', 'takerFee');
  }

  private priceUnits(price: Decimal): bigint {
    return price.rescale(this.instrument.pricePrecision).units;
  }

  private sizeUnits(size: Decimal): bigint {
    return size.rescale(this.instrument.sizePrecision).units;
  }

  private priceText(units: bigint): string {
    return Decimal.fromUnits(units, this.instrument.pricePrecision).toString();
  }

  private sizeText(units: bigint): string {
    return Decimal.fromUnits(units, this.instrument.sizePrecision).toString();
  }

  private sideOf(side: OrderSide): BookSide {
    return side === 'BUY' ? this.bids : this.asks;
  }

  private opposite(side: OrderSide): BookSide {
    return side === 'BUY' ? this.asks : this.bids;
  }

  bestBid(): string | undefined {
    const best = this.bids.bestPrice();
    return best === undefined ? undefined : this.priceText(best);
  }

  bestAsk(): string | undefined {
    const best = this.asks.bestPrice();
    return best === undefined ? undefined : this.priceText(best);
  }

  depth(levels: number): { bids: Array<[string, string]>; asks: Array<[string, string]> } {
    const text = (side: BookSide) =>
      side
        .depth(levels)
        .map(([price, size]) => [this.priceText(price), this.sizeText(size)] as [string, string]);
    return { bids: text(this.bids), asks: text(this.asks) };
  }

  order(clientOrderId: string): VenueOrderRecord | undefined {
    return this.records.get(clientOrderId);
  }

  openOrders(): VenueOrderRecord[] {
    return [...this.records.values()].filter((record) => record.status === 'OPEN');
  }

  fillsSince(time: number): Array<VenueOrderRecord['fills'][number] & { clientOrderId: string }> {
    const fills = [];
    for (const record of this.records.values()) {
      for (const fill of record.fills)
        if (fill.at >= time) fills.push({ ...fill, clientOrderId: record.clientOrderId });
    }
    return fills.sort((a, b) => a.at - b.at);
  }

  /** A client's new order. Every outcome is a report; nothing throws for bad input. */
  submit(request: VenueOrderRequest, now: number): VenueReport[] {
    const id = request.clientOrderId;
    const reject = (reason: string): VenueReport[] => [
      { clientOrderId: id, event: { type: 'Rejected', reason }, at: now },
    ];
    if (this.records.has(id)) return reject(`duplicate client order id ${id}`);
    if (request.type !== 'MARKET' && request.type !== 'LIMIT') {
      return reject(`order type ${request.type} is not supported by venue ${this.options.venue}`);
    }
    const quantity = this.instrument.checkQuantity(request.quantity);
    if (typeof quantity === 'string') return reject(quantity);
    let price: bigint | undefined;
    if (request.type === 'LIMIT') {
      const checked =
        request.price === undefined
          ? 'a LIMIT order needs a price'
          : this.instrument.checkPrice(request.price);
      if (typeof checked === 'string') return reject(checked);
      price = this.priceUnits(checked);
    }
    const size = this.sizeUnits(quantity);
    const timeInForce = request.timeInForce ?? 'GTC';
    const against = this.opposite(request.side);
    if (request.postOnly && against.crossedBy(price)) {
      return reject('post-only order would take liquidity');
    }
    this.sequence += 1;
    const venueOrderId = `${this.options.venue}-${this.sequence}`;
    const record: VenueOrderRecord = {
      clientOrderId: id,
      venueOrderId,
      side: request.side,
      quantity: this.sizeText(size),
      ...(price === undefined ? {} : { price: this.priceText(price) }),
      status: 'OPEN',
      filledQuantity: this.sizeText(0n),
      fills: [],
    };
    this.records.set(id, record);
    const reports: VenueReport[] = [
      { clientOrderId: id, event: { type: 'Accepted', venueOrderId }, at: now },
    ];
    if (timeInForce === 'FOK' && against.available(price, size) < size) {
      return this.close(record, 'CANCELED', reports, now, 'fill-or-kill order could not fill entirely');
    }
    const order: RestingOrder = {
      clientOrderId: id,
      owner: 'client',
      side: request.side,
      price: price ?? 0n,
      remaining: size,
      sequence: this.sequence,
    };
    this.take(order, price, reports, now);
    if (order.remaining === 0n) return reports;
    if (request.type === 'MARKET' || timeInForce === 'IOC' || timeInForce === 'FOK') {
      return this.close(record, 'CANCELED', reports, now, 'no more liquidity: the rest is canceled');
    }
    this.sideOf(request.side).add(order);
    this.resting.set(id, order);
    return reports;
  }

  cancel(clientOrderId: string, now: number): VenueReport[] {
    const order = this.resting.get(clientOrderId);
    const record = this.records.get(clientOrderId);
    if (order === undefined || record === undefined) {
      const why = record === undefined ? 'unknown order' : `order is ${record.status}`;
      return [{ clientOrderId, event: { type: 'CancelRejected', reason: why }, at: now }];
    }
    this.sideOf(order.side).remove(order);
    this.resting.delete(clientOrderId);
    return this.close(record, 'CANCELED', [], now);
  }

  /** A new quantity (total, not less than what has filled) or price; a new price or more quantity loses priority. */
  modify(clientOrderId: string, change: { quantity?: string; price?: string }, now: number): VenueReport[] {
    const order = this.resting.get(clientOrderId);
    const record = this.records.get(clientOrderId);
    const refuse = (reason: string): VenueReport[] => [
      { clientOrderId, event: { type: 'ModifyRejected', reason }, at: now },
    ];
    if (order === undefined || record === undefined) {
      return refuse(record === undefined ? 'unknown order' : `order is ${record.status}`);
    }
    const filled = this.sizeUnits(Decimal.parse(record.filledQuantity));
    let total = this.sizeUnits(Decimal.parse(record.quantity));
    if (change.quantity !== undefined) {
      const checked = this.instrument.checkQuantity(change.quantity);
      if (typeof checked === 'string') return refuse(checked);
      total = this.sizeUnits(checked);
      if (total <= filled)
        return refuse(`quantity ${change.quantity} is not above the ${record.filledQuantity} filled`);
    }
    let price = order.price;
    if (change.price !== undefined) {
      const checked = this.instrument.checkPrice(change.price);
      if (typeof checked === 'string') return refuse(checked);
      price = this.priceUnits(checked);
    }
    const remaining = total - filled;
    const losesPriority = price !== order.price || remaining > order.remaining;
    this.sideOf(order.side).remove(order);
    order.price = price;
    order.remaining = remaining;
    if (losesPriority) {
      this.sequence += 1;
      order.sequence = this.sequence;
    }
    record.quantity = this.sizeText(total);
    record.price = this.priceText(price);
    const reports: VenueReport[] = [
      {
        clientOrderId,
        event: {
          type: 'Updated',
          ...(change.quantity === undefined ? {} : { quantity: record.quantity }),
          ...(change.price === undefined ? {} : { price: record.price }),
        },
        at: now,
      },
    ];
    this.take(order, price, reports, now);
    if (order.remaining === 0n) {
      this.resting.delete(clientOrderId);
      return reports;
    }
    this.sideOf(order.side).add(order);
    return reports;
  }

  /**
   * Replaces the synthetic market's liquidity with new levels ([price, size] text, best first). New levels that
   * cross resting client orders trade with them at the clients' prices: that is how a resting order fills when
   * the market moves through it.
   */
  setMarket(
    levels: { bids: Array<[string, string]>; asks: Array<[string, string]> },
    now: number,
  ): VenueReport[] {
    const isMarket = (order: RestingOrder) => order.owner === 'market';
    this.bids.removeWhere(isMarket);
    this.asks.removeWhere(isMarket);
    const reports: VenueReport[] = [];
    for (const [side, list] of [
      ['BUY', levels.bids],
      ['SELL', levels.asks],
    ] as const) {
      for (const [priceText, sizeText] of list) {
        this.sequence += 1;
        const order: RestingOrder = {
          clientOrderId: `market-${this.sequence}`,
          owner: 'market',
          side,
          price: this.priceUnits(Decimal.parse(priceText, 'market price')),
          remaining: this.sizeUnits(Decimal.parse(sizeText, 'market size')),
          sequence: this.sequence,
        };
        this.take(order, order.price, reports, now);
        if (order.remaining > 0n) this.sideOf(side).add(order);
      }
    }
    return reports;
  }

  /** Matches an incoming order against the other side while prices cross, filling at the resting prices. */
  private take(incoming: RestingOrder, limit: bigint | undefined, reports: VenueReport[], now: number): void {
    const book = this.opposite(incoming.side);
    while (incoming.remaining > 0n && book.crossedBy(limit)) {
      const maker = book.best() as RestingOrder;
      const size = maker.remaining < incoming.remaining ? maker.remaining : incoming.remaining;
      maker.remaining -= size;
      incoming.remaining -= size;
      this.trades += 1;
      const tradeId = `${this.options.venue}-T${this.trades}`;
      this.fill(maker, size, maker.price, tradeId, 'maker', reports, now);
      this.fill(incoming, size, maker.price, tradeId, 'taker', reports, now);
      book.popBestIfDone();
      if (maker.remaining === 0n) this.resting.delete(maker.clientOrderId);
    }
  }

  private fill(
    order: RestingOrder,
    size: bigint,
    price: bigint,
    tradeId: string,
    liquidity: 'maker' | 'taker',
    reports: VenueReport[],
    now: number,
  ): void {
    if (order.owner !== 'client') return;
    const record = this.records.get(order.clientOrderId) as VenueOrderRecord;
    const quantity = this.sizeText(size);
    const priceText = this.priceText(price);
    const rate = liquidity === 'maker' ? this.makerFee : this.takerFee;
    const notional = Decimal.parse(priceText).mul(Decimal.parse(quantity));
    const commission = notional.mul(rate).rescale(Math.max(this.instrument.pricePrecision, 8)).toString();
    const filled = this.sizeUnits(Decimal.parse(record.filledQuantity)) + size;
    record.filledQuantity = this.sizeText(filled);
    record.fills.push({ tradeId, quantity, price: priceText, commission, at: now });
    if (order.remaining === 0n) record.status = 'FILLED';
    reports.push({
      clientOrderId: order.clientOrderId,
      event: { type: 'Filled', tradeId, quantity, price: priceText, commission },
      at: now,
    });
  }

  private close(
    record: VenueOrderRecord,
    status: 'CANCELED',
    reports: VenueReport[],
    now: number,
    reason?: string,
  ): VenueReport[] {
    record.status = status;
    reports.push({
      clientOrderId: record.clientOrderId,
      event: reason === undefined ? { type: 'Canceled' } : { type: 'Canceled', reason },
      at: now,
    });
    return reports;
  }
}
