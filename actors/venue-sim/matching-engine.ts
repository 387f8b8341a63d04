import { Decimal } from '../../src/domain/decimal.ts';
import type { Instrument } from '../../src/domain/instrument.ts';
import type { OrderSide, TimeInForce } from '../../src/domain/order-types.ts';
import { rememberRecent } from '../../src/domain/recent-ids.ts';
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
  /** Closed orders kept for queries, newest first; older ones are forgotten. Default 10,000. */
  closedRetention?: number;
}

/**
 * Everything an engine knows, as plain data (structured-clone and JSON safe): the venue keeps it in its machine's
 * context, and the engine mutates it in place, so order flow never copies it. The book itself (bigint units, price
 * levels) is an index rebuilt from this state: resting client orders from their records, the market's liquidity
 * from its last levels, whole again (as it would be at the next market update anyway).
 */
export interface EngineState {
  records: Record<string, VenueOrderRecord>;
  /** Resting client orders: client order id to its time priority. */
  resting: Record<string, number>;
  market: { bids: Array<[string, string]>; asks: Array<[string, string]> };
  /** Closed client order ids, oldest first, to forget the oldest beyond the retention. */
  closed: string[];
  sequence: number;
  trades: number;
  /**
   * The account's net position from every fill of its orders, as an exchange reports positions; absent before the
   * first fill. Kept whatever the retention of closed records, so the node can be checked against it at any time.
   */
  position?: string;
}

export function emptyEngineState(): EngineState {
  return { records: {}, resting: {}, market: { bids: [], asks: [] }, closed: [], sequence: 0, trades: 0 };
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
  private readonly records: Record<string, VenueOrderRecord>;
  private readonly makerFee: Decimal;
  private readonly takerFee: Decimal;
  private readonly closedRetention: number;

  /** A new engine, or one resumed from the state an earlier engine left (the same object, or a copy of it). */
  constructor(
    readonly instrument: Instrument,
    readonly options: MatchingOptions,
    readonly state: EngineState = emptyEngineState(),
  ) {
    this.makerFee = Decimal.parse(options.makerFee ?? '0', 'makerFee');
    this.takerFee = Decimal.parse(options.takerFee ?? '0', 'takerFee');
    this.closedRetention = options.closedRetention ?? 10_000;
    this.records = state.records;
    this.rebuildBook();
  }

  private rebuildBook(): void {
    const ids = Object.keys(this.state.resting).sort(
      (a, b) => (this.state.resting[a] as number) - (this.state.resting[b] as number),
    );
    for (const id of ids) {
      const record = this.records[id] as VenueOrderRecord;
      const order: RestingOrder = {
        clientOrderId: id,
        owner: 'client',
        side: record.side,
        price: this.priceUnits(Decimal.parse(record.price ?? '0')),
        remaining:
          this.sizeUnits(Decimal.parse(record.quantity)) -
          this.sizeUnits(Decimal.parse(record.filledQuantity)),
        sequence: this.state.resting[id] as number,
      };
      this.sideOf(order.side).add(order);
      this.resting.set(id, order);
    }
    for (const [side, list] of [
      ['BUY', this.state.market.bids],
      ['SELL', this.state.market.asks],
    ] as const) {
      // Behind every client order at its price, as the market's liquidity always is (it is replaced each update).
      for (const [priceText, sizeText] of list) {
        this.sideOf(side).add(this.marketOrder(side, priceText, sizeText, this.state.sequence));
      }
    }
  }

  private marketOrder(side: OrderSide, priceText: string, sizeText: string, sequence: number): RestingOrder {
    return {
      clientOrderId: `market-${sequence}`,
      owner: 'market',
      side,
      price: this.priceUnits(Decimal.parse(priceText, 'market price')),
      remaining: this.sizeUnits(Decimal.parse(sizeText, 'market size')),
      sequence,
    };
  }

  private rest(order: RestingOrder): void {
    this.sideOf(order.side).add(order);
    this.resting.set(order.clientOrderId, order);
    this.state.resting[order.clientOrderId] = order.sequence;
  }

  private unrest(clientOrderId: string): void {
    this.resting.delete(clientOrderId);
    delete this.state.resting[clientOrderId];
  }

  /** Marks a record closed and forgets the oldest closed records beyond the retention. */
  private retire(record: VenueOrderRecord): void {
    rememberRecent(this.state.closed, record.clientOrderId, this.closedRetention, (id) => {
      delete this.records[id];
    });
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

  /** The account's net position in this instrument, once anything filled. */
  position(): string | undefined {
    return this.state.position;
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
    return Object.hasOwn(this.records, clientOrderId) ? this.records[clientOrderId] : undefined;
  }

  openOrders(): VenueOrderRecord[] {
    return Object.keys(this.state.resting).map((id) => this.records[id] as VenueOrderRecord);
  }

  fillsSince(time: number): Array<VenueOrderRecord['fills'][number] & { clientOrderId: string }> {
    const fills = [];
    for (const record of Object.values(this.records)) {
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
    if (Object.hasOwn(this.records, id)) return reject(`duplicate client order id ${id}`);
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
    this.state.sequence += 1;
    const venueOrderId = `${this.options.venue}-${this.state.sequence}`;
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
    this.records[id] = record;
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
      sequence: this.state.sequence,
    };
    this.take(order, price, reports, now);
    if (order.remaining === 0n) return reports;
    if (request.type === 'MARKET' || timeInForce === 'IOC' || timeInForce === 'FOK') {
      return this.close(record, 'CANCELED', reports, now, 'no more liquidity: the rest is canceled');
    }
    this.rest(order);
    return reports;
  }

  cancel(clientOrderId: string, now: number): VenueReport[] {
    const order = this.resting.get(clientOrderId);
    const record = this.order(clientOrderId);
    if (order === undefined || record === undefined) {
      const why = record === undefined ? 'unknown order' : `order is ${record.status}`;
      return [{ clientOrderId, event: { type: 'CancelRejected', reason: why }, at: now }];
    }
    this.sideOf(order.side).remove(order);
    this.unrest(clientOrderId);
    return this.close(record, 'CANCELED', [], now);
  }

  /** A new quantity (total, not less than what has filled) or price; a new price or more quantity loses priority. */
  modify(clientOrderId: string, change: { quantity?: string; price?: string }, now: number): VenueReport[] {
    const order = this.resting.get(clientOrderId);
    const record = this.order(clientOrderId);
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
      this.state.sequence += 1;
      order.sequence = this.state.sequence;
      this.state.resting[clientOrderId] = order.sequence;
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
      this.unrest(clientOrderId);
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
    this.state.market = levels;
    const reports: VenueReport[] = [];
    for (const [side, list] of [
      ['BUY', levels.bids],
      ['SELL', levels.asks],
    ] as const) {
      for (const [priceText, sizeText] of list) {
        this.state.sequence += 1;
        const order = this.marketOrder(side, priceText, sizeText, this.state.sequence);
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
      this.state.trades += 1;
      const tradeId = `${this.options.venue}-T${this.state.trades}`;
      this.fill(maker, size, maker.price, tradeId, 'maker', reports, now);
      this.fill(incoming, size, maker.price, tradeId, 'taker', reports, now);
      book.popBestIfDone();
      if (maker.remaining === 0n && maker.owner === 'client') this.unrest(maker.clientOrderId);
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
    const record = this.records[order.clientOrderId] as VenueOrderRecord;
    const quantity = this.sizeText(size);
    const priceText = this.priceText(price);
    const rate = liquidity === 'maker' ? this.makerFee : this.takerFee;
    const notional = Decimal.parse(priceText).mul(Decimal.parse(quantity));
    const commission = notional.mul(rate).rescale(Math.max(this.instrument.pricePrecision, 8)).toString();
    const filled = this.sizeUnits(Decimal.parse(record.filledQuantity)) + size;
    record.filledQuantity = this.sizeText(filled);
    record.fills.push({ tradeId, quantity, price: priceText, commission, at: now });
    const held = this.sizeUnits(Decimal.parse(this.state.position ?? '0'));
    this.state.position = this.sizeText(record.side === 'BUY' ? held + size : held - size);
    if (order.remaining === 0n) {
      record.status = 'FILLED';
      this.retire(record);
    }
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
    this.retire(record);
    reports.push({
      clientOrderId: record.clientOrderId,
      event: reason === undefined ? { type: 'Canceled' } : { type: 'Canceled', reason },
      at: now,
    });
    return reports;
  }
}
