import { StrategyParams } from '../actors/strategy-host/params.ts';
import { sizeAtPrecision } from '../actors/strategy-host/precision.ts';
import type { Strategy, StrategyContext, StrategyFactory } from '../actors/strategy-host/strategy.ts';
import { Decimal } from '../src/domain/decimal.ts';
import type { InstrumentSpec } from '../src/domain/instrument.ts';
import type { Bar } from '../src/domain/market-data.ts';
import type { Order, OrderEvent } from '../src/domain/order.ts';
import { isClosed } from '../src/domain/order-status.ts';
import { ValidationError } from '../src/resilience/errors.ts';

export interface MaCrossoverParams {
  instrumentId: string;
  barIntervalMs: number;
  fast: number;
  slow: number;
  size: Decimal;
}

export function parseMaCrossoverParams(raw: Readonly<Record<string, unknown>>): MaCrossoverParams {
  const params = new StrategyParams('ma-crossover', raw);
  const parsed = {
    instrumentId: params.instrumentId(),
    barIntervalMs: params.integer('barIntervalMs', 1),
    fast: params.integer('fast', 1),
    slow: params.integer('slow', 2),
    size: params.positiveDecimal('size'),
  };
  params.done();
  if (parsed.fast >= parsed.slow) {
    throw new ValidationError(
      `ma-crossover: fast (${parsed.fast}) must be shorter than slow (${parsed.slow})`,
    );
  }
  return parsed;
}

const signed = (side: Order['side'], quantity: Decimal) => (side === 'BUY' ? quantity : quantity.neg());

/**
 * Simple moving averages of bar closes: when the fast one crosses above the slow one the strategy targets a long
 * position of `size`, when it crosses below a short one, and sends a market order for the difference between the
 * target and what it holds and has working. It trades on a cross only, not on the first comparison it can make.
 * The averages are compared without dividing (sumFast x slow against sumSlow x fast), so the comparison is exact.
 */
export class MaCrossover implements Strategy {
  readonly subscriptions;
  private spec: InstrumentSpec | undefined;
  private size = Decimal.zero();
  private readonly closes: Decimal[] = [];
  private lastSign: -1 | 0 | 1 = 0;
  private position = Decimal.zero();
  /** Signed quantity still to fill, per working order. */
  private readonly working = new Map<string, Decimal>();

  constructor(private readonly params: MaCrossoverParams) {
    this.subscriptions = [{ instrumentId: params.instrumentId, barIntervalMs: params.barIntervalMs }];
  }

  onStart(ctx: StrategyContext): void {
    const spec = ctx.instrument(this.params.instrumentId);
    if (spec === undefined) {
      throw new ValidationError(
        `ma-crossover: instrument ${this.params.instrumentId} is not among the host's instruments`,
      );
    }
    this.spec = spec;
    this.size = sizeAtPrecision(this.params.size, spec);
    if (this.size.sign <= 0) {
      throw new ValidationError(
        `ma-crossover: size ${this.params.size} is below ${spec.id}'s size precision (${spec.sizePrecision} places)`,
      );
    }
    this.position = Decimal.parse(ctx.position(spec.id)?.quantity ?? '0');
    for (const order of ctx.openOrders(spec.id)) {
      const left = Decimal.parse(order.quantity).sub(Decimal.parse(order.filledQuantity));
      this.working.set(order.clientOrderId, signed(order.side, left));
    }
  }

  onBar(bar: Bar, ctx: StrategyContext): void {
    const { instrumentId, barIntervalMs, fast, slow } = this.params;
    if (bar.instrumentId !== instrumentId || bar.intervalMs !== barIntervalMs || this.spec === undefined) {
      return;
    }
    this.closes.push(Decimal.parse(bar.close));
    if (this.closes.length > slow) this.closes.shift();
    if (this.closes.length < slow) return;
    const sumSlow = this.closes.reduce((sum, close) => sum.add(close), Decimal.zero());
    const sumFast = this.closes.slice(slow - fast).reduce((sum, close) => sum.add(close), Decimal.zero());
    const sign = sumFast.mul(Decimal.of(slow)).cmp(sumSlow.mul(Decimal.of(fast)));
    if (sign === 0) return;
    if (this.lastSign !== 0 && sign !== this.lastSign)
      this.target(sign > 0 ? this.size : this.size.neg(), ctx);
    this.lastSign = sign;
  }

  onOrderEvent(report: { order: Order; event: OrderEvent | { type: string } }): void {
    const { order, event } = report;
    if (order.instrumentId !== this.params.instrumentId) return;
    if (event.type === 'Filled') {
      const fill = Decimal.parse((event as Extract<OrderEvent, { type: 'Filled' }>).quantity);
      this.position = this.position.add(signed(order.side, fill));
    }
    if (!this.working.has(order.clientOrderId)) return;
    if (isClosed(order.status)) this.working.delete(order.clientOrderId);
    else {
      const left = Decimal.parse(order.quantity).sub(Decimal.parse(order.filledQuantity));
      this.working.set(order.clientOrderId, signed(order.side, left));
    }
  }

  /** Position plus what working orders may still add: what a new order must be measured against. */
  exposure(): Decimal {
    let total = this.position;
    for (const left of this.working.values()) total = total.add(left);
    return total;
  }

  private target(target: Decimal, ctx: StrategyContext): void {
    const spec = this.spec as InstrumentSpec;
    const difference = target.sub(this.exposure()).rescale(spec.sizePrecision, 'DOWN');
    if (difference.isZero()) return;
    const side = difference.sign > 0 ? 'BUY' : 'SELL';
    const quantity = difference.abs();
    const clientOrderId = ctx.submit({
      instrumentId: spec.id,
      side,
      type: 'MARKET',
      quantity: quantity.toString(),
    });
    this.working.set(clientOrderId, signed(side, quantity));
  }
}

export const createMaCrossover: StrategyFactory = (params) => new MaCrossover(parseMaCrossoverParams(params));
