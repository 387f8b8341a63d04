import type { OrderSide } from '../../src/domain/order-types.ts';

/** An order resting in the book. Prices and sizes are integers in the instrument's units (ticks of precision). */
export interface RestingOrder {
  clientOrderId: string;
  /** `market`: the synthetic market's liquidity; `client`: an order a venue client sent. */
  owner: 'client' | 'market';
  side: OrderSide;
  price: bigint;
  remaining: bigint;
  /** Arrival order: earlier orders at a price fill first. */
  sequence: number;
}

interface Level {
  price: bigint;
  orders: RestingOrder[];
}

/**
 * One side of a price-time priority book: levels sorted best first (bids high to low, asks low to high), each a
 * FIFO queue. A simulated venue's book holds tens of levels, so sorted arrays beat trees here.
 */
export class BookSide {
  private readonly levels: Level[] = [];

  constructor(readonly side: OrderSide) {}

  /** Whether `a` is a better price than `b` for this side. */
  private better(a: bigint, b: bigint): boolean {
    return this.side === 'BUY' ? a > b : a < b;
  }

  best(): RestingOrder | undefined {
    return this.levels[0]?.orders[0];
  }

  bestPrice(): bigint | undefined {
    return this.levels[0]?.price;
  }

  add(order: RestingOrder): void {
    let low = 0;
    let high = this.levels.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const level = this.levels[middle] as Level;
      if (level.price === order.price) {
        level.orders.push(order);
        return;
      }
      if (this.better(level.price, order.price)) low = middle + 1;
      else high = middle;
    }
    this.levels.splice(low, 0, { price: order.price, orders: [order] });
  }

  remove(order: RestingOrder): boolean {
    const index = this.levels.findIndex((level) => level.price === order.price);
    if (index === -1) return false;
    const level = this.levels[index] as Level;
    const at = level.orders.indexOf(order);
    if (at === -1) return false;
    level.orders.splice(at, 1);
    if (level.orders.length === 0) this.levels.splice(index, 1);
    return true;
  }

  /** Drops the best order once it is fully filled. */
  popBestIfDone(): void {
    const level = this.levels[0];
    if (level === undefined) return;
    while (level.orders.length > 0 && (level.orders[0] as RestingOrder).remaining === 0n)
      level.orders.shift();
    if (level.orders.length === 0) this.levels.shift();
  }

  /** Liquidity an order at `limit` (none: any price) could take, up to `enough`. */
  available(limit: bigint | undefined, enough: bigint): bigint {
    let total = 0n;
    for (const level of this.levels) {
      if (limit !== undefined && this.better(limit, level.price)) break;
      for (const order of level.orders) total += order.remaining;
      if (total >= enough) return total;
    }
    return total;
  }

  /** Whether a price on the other side at `price` would trade against this side's best. */
  crossedBy(price: bigint | undefined): boolean {
    const best = this.bestPrice();
    if (best === undefined) return false;
    if (price === undefined) return true;
    return this.side === 'BUY' ? price <= best : price >= best;
  }

  removeWhere(predicate: (order: RestingOrder) => boolean): void {
    for (let i = this.levels.length - 1; i >= 0; i -= 1) {
      const level = this.levels[i] as Level;
      level.orders = level.orders.filter((order) => !predicate(order));
      if (level.orders.length === 0) this.levels.splice(i, 1);
    }
  }

  /** Levels best first, as [price, total size]. */
  depth(count: number): Array<[bigint, bigint]> {
    return this.levels
      .slice(0, count)
      .map((level) => [level.price, level.orders.reduce((sum, order) => sum + order.remaining, 0n)]);
  }
}
