import { Decimal } from '../domain/decimal.ts';
import type { InstrumentSpec } from '../domain/instrument.ts';
import type { RecordedOrderEvent } from './recorder-actor.ts';
import type { FillRecord } from './results.ts';
import type { OrderRecord, PositionRecord } from './spec.ts';

/**
 * The backtest's own books, kept from execution's order events: every order's last state, every fill, and the
 * cash and positions they make in the quote currency (exact decimals). The equity it reports is the starting
 * cash plus every fill's cash flow plus the positions marked at the last price: the strategy's PnL on its capital.
 */
export class BacktestLedger {
  readonly fills: FillRecord[] = [];
  private readonly orders = new Map<string, OrderRecord>();
  private cash: Decimal;
  private readonly positions = new Map<string, Decimal>();
  private readonly flows = new Map<string, Decimal>();
  private readonly marks = new Map<string, Decimal>();

  constructor(
    private readonly instruments: ReadonlyMap<string, InstrumentSpec>,
    readonly startCash: Decimal,
  ) {
    this.cash = startCash;
  }

  onOrderEvent({ order, event, at }: RecordedOrderEvent): void {
    const known = this.orders.get(order.clientOrderId);
    this.orders.set(order.clientOrderId, {
      clientOrderId: order.clientOrderId,
      instrumentId: order.instrumentId,
      side: order.side,
      type: order.type,
      quantity: order.quantity,
      ...(order.price === undefined ? {} : { price: order.price }),
      status: order.status,
      filledQuantity: order.filledQuantity,
      ...(order.averageFillPrice === undefined ? {} : { averageFillPrice: order.averageFillPrice }),
      createdAt: known?.createdAt ?? at,
      updatedAt: at,
      ...(order.reason === undefined ? {} : { reason: order.reason }),
    });
    if (event.type !== 'Filled') return;
    const quantity = Decimal.parse(event.quantity);
    const price = Decimal.parse(event.price);
    const fee = Decimal.parse(event.commission ?? '0');
    const buy = order.side === 'BUY';
    const flow = (buy ? price.mul(quantity).neg() : price.mul(quantity)).sub(fee);
    this.cash = this.cash.add(flow);
    this.flows.set(order.instrumentId, (this.flows.get(order.instrumentId) ?? Decimal.zero()).add(flow));
    const held = this.positions.get(order.instrumentId) ?? Decimal.zero();
    this.positions.set(order.instrumentId, held.add(buy ? quantity : quantity.neg()));
    this.fills.push({
      time: at,
      clientOrderId: order.clientOrderId,
      instrumentId: order.instrumentId,
      side: order.side,
      quantity: event.quantity,
      price: event.price,
      fee: fee.toString(),
    });
  }

  mark(instrumentId: string, price: Decimal): void {
    this.marks.set(instrumentId, price);
  }

  /** The last price of each instrument, in the order they were first marked. */
  lastPrices(): ReadonlyMap<string, Decimal> {
    return this.marks;
  }

  equity(): Decimal {
    let equity = this.cash;
    for (const [instrumentId, quantity] of this.positions) {
      const mark = this.marks.get(instrumentId);
      if (mark !== undefined) equity = equity.add(quantity.mul(mark));
    }
    return equity;
  }

  /** Net quantity per instrument traded, signed. */
  netPositions(): ReadonlyMap<string, Decimal> {
    return this.positions;
  }

  orderRecords(): OrderRecord[] {
    return [...this.orders.values()];
  }

  positionRecords(): PositionRecord[] {
    return [...this.positions].map(([instrumentId, quantity]) => {
      const mark = this.marks.get(instrumentId) ?? Decimal.zero();
      const flows = this.flows.get(instrumentId) ?? Decimal.zero();
      const scale = this.instruments.get(instrumentId)?.sizePrecision ?? 0;
      return {
        instrumentId,
        quantity: quantity.rescale(Math.max(scale, quantity.scale)).toString(),
        markPrice: mark.toString(),
        pnl: flows.add(quantity.mul(mark)).toString(),
      };
    });
  }
}
