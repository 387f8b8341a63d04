import { StrategyParams } from '../actors/strategy-host/params.ts';
import { priceOnTick, sizeAtPrecision } from '../actors/strategy-host/precision.ts';
import type {
  MarketTick,
  Strategy,
  StrategyContext,
  StrategyFactory,
} from '../actors/strategy-host/strategy.ts';
import { Decimal } from '../src/domain/decimal.ts';
import { type InstrumentSpec, instrumentOf } from '../src/domain/instrument.ts';
import type { Order, OrderEvent } from '../src/domain/order.ts';
import { isClosed } from '../src/domain/order-status.ts';
import type { OrderSide } from '../src/domain/order-types.ts';
import { ValidationError } from '../src/resilience/errors.ts';

export interface MarketMakerParams {
  instrumentId: string;
  size: Decimal;
  halfSpreadTicks: number;
  requoteTicks: number;
  maxPosition: Decimal;
}

export function parseMarketMakerParams(raw: Readonly<Record<string, unknown>>): MarketMakerParams {
  const params = new StrategyParams('market-maker', raw);
  const parsed = {
    instrumentId: params.instrumentId(),
    size: params.positiveDecimal('size'),
    // At least one tick each side of the mid keeps the bid strictly below the ask.
    halfSpreadTicks: params.integer('halfSpreadTicks', 1),
    requoteTicks: params.integer('requoteTicks', 1),
    maxPosition: params.positiveDecimal('maxPosition'),
  };
  params.done();
  if (parsed.size.gt(parsed.maxPosition)) {
    throw new ValidationError(
      `market-maker: size ${parsed.size} exceeds maxPosition ${parsed.maxPosition}: it could never quote`,
    );
  }
  return parsed;
}

interface Quote {
  clientOrderId: string;
  price: Decimal;
  /** The mid it was placed around; undefined for an order adopted from before a restart. */
  mid: Decimal | undefined;
  canceling: boolean;
}

const TWO = Decimal.of(2);
const SIDES: readonly OrderSide[] = ['BUY', 'SELL'];
const opposite = (side: OrderSide): OrderSide => (side === 'BUY' ? 'SELL' : 'BUY');

/**
 * Quotes one bid and one ask around the mid. A side is replaced only once its order has closed (filled, canceled,
 * expired), never while the old order may still fill, so that the open orders alone can never take the position
 * past maxPosition. When the mid moves `requoteTicks` from where a quote was placed, the quote is canceled, and
 * replaced when the cancel is confirmed. A denied or rejected quote is retried on the next tick, not at once, so
 * that a limit the risk engine enforces does not turn into a loop of denials. A side that would cross the other
 * side's resting quote waits until that quote is gone.
 */
export class MarketMaker implements Strategy {
  readonly subscriptions;
  private spec: InstrumentSpec | undefined;
  private size = Decimal.zero();
  private halfSpread = Decimal.zero();
  private requoteDistance = Decimal.zero();
  /** Net position from the fills seen: fills arrive before the portfolio's report of them. */
  private position = Decimal.zero();
  private mid: Decimal | undefined;
  private readonly quotes: Partial<Record<OrderSide, Quote>> = {};

  constructor(private readonly params: MarketMakerParams) {
    this.subscriptions = [{ instrumentId: params.instrumentId, quotes: true }];
  }

  onStart(ctx: StrategyContext): void {
    const spec = ctx.instrument(this.params.instrumentId);
    if (spec === undefined) {
      throw new ValidationError(
        `market-maker: instrument ${this.params.instrumentId} is not among the host's instruments`,
      );
    }
    this.spec = spec;
    this.size = sizeAtPrecision(this.params.size, spec);
    if (this.size.sign <= 0) {
      throw new ValidationError(
        `market-maker: size ${this.params.size} is below ${spec.id}'s size precision (${spec.sizePrecision} places)`,
      );
    }
    const tick = instrumentOf(spec).tickSize;
    this.halfSpread = tick.mul(Decimal.of(this.params.halfSpreadTicks));
    this.requoteDistance = tick.mul(Decimal.of(this.params.requoteTicks));
    this.position = Decimal.parse(ctx.position(spec.id)?.quantity ?? '0');
    // Orders left by the previous incarnation are still exposure: take them over, and cancel them to quote anew.
    for (const order of ctx.openOrders(spec.id)) this.adopt(order, ctx);
  }

  onTick(tick: MarketTick, ctx: StrategyContext): void {
    if (tick.kind !== 'quote' || tick.instrumentId !== this.params.instrumentId || this.spec === undefined) {
      return;
    }
    const bid = Decimal.parse(tick.bid);
    const ask = Decimal.parse(tick.ask);
    // A crossed book is a glitch of the feed, not a price to quote around.
    if (bid.sign <= 0 || ask.lt(bid)) return;
    this.mid = bid.add(ask).div(TWO, this.spec.pricePrecision + 1);
    for (const side of SIDES) {
      const quote = this.quotes[side];
      if (quote === undefined) this.place(side, ctx);
      else if (!quote.canceling && (quote.mid === undefined || this.movedFrom(quote.mid))) {
        quote.canceling = true;
        ctx.cancel(quote.clientOrderId);
      }
    }
  }

  onOrderEvent(report: { order: Order; event: OrderEvent | { type: string } }, ctx: StrategyContext): void {
    const { order, event } = report;
    if (order.instrumentId !== this.params.instrumentId) return;
    if (event.type === 'Filled') {
      const quantity = Decimal.parse((event as Extract<OrderEvent, { type: 'Filled' }>).quantity);
      this.position = this.position.add(order.side === 'BUY' ? quantity : quantity.neg());
    }
    const quote = this.quotes[order.side];
    if (quote === undefined || quote.clientOrderId !== order.clientOrderId) return;
    if (event.type === 'CancelRejected') quote.canceling = false;
    if (!isClosed(order.status)) return;
    delete this.quotes[order.side];
    if (order.status === 'DENIED' || order.status === 'REJECTED') return;
    // A fill moves the position, which may open the other side again.
    for (const side of SIDES) this.place(side, ctx);
  }

  private movedFrom(mid: Decimal): boolean {
    return (this.mid as Decimal).sub(mid).abs().gte(this.requoteDistance);
  }

  private place(side: OrderSide, ctx: StrategyContext): void {
    const spec = this.spec;
    if (spec === undefined || this.mid === undefined || this.quotes[side] !== undefined) return;
    const limit = this.params.maxPosition;
    if (
      side === 'BUY' ? this.position.add(this.size).gt(limit) : this.position.sub(this.size).lt(limit.neg())
    ) {
      return;
    }
    const price =
      side === 'BUY'
        ? priceOnTick(this.mid.sub(this.halfSpread), spec, 'DOWN')
        : priceOnTick(this.mid.add(this.halfSpread), spec, 'UP');
    if (price.sign <= 0) return;
    // The other side may still rest where an older mid put it: wait for it to go rather than cross it.
    const other = this.quotes[opposite(side)];
    if (other !== undefined && (side === 'BUY' ? price.gte(other.price) : price.lte(other.price))) return;
    const clientOrderId = ctx.submit({
      instrumentId: spec.id,
      side,
      type: 'LIMIT',
      quantity: this.size.toString(),
      price: price.toString(),
    });
    this.quotes[side] = { clientOrderId, price, mid: this.mid, canceling: false };
  }

  private adopt(order: Order, ctx: StrategyContext): void {
    ctx.cancel(order.clientOrderId);
    if (this.quotes[order.side] !== undefined || order.price === undefined) return;
    this.quotes[order.side] = {
      clientOrderId: order.clientOrderId,
      price: Decimal.parse(order.price),
      mid: undefined,
      canceling: true,
    };
  }
}

export const createMarketMaker: StrategyFactory = (params) => new MarketMaker(parseMarketMakerParams(params));
