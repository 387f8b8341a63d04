import type { InstrumentSpec } from '../../src/domain/instrument.ts';
import type { Bar, QuoteTick, TradeTick } from '../../src/domain/market-data.ts';
import type { Order, OrderEvent, OrderRequest } from '../../src/domain/order.ts';

/** A quote or a trade, told apart by `kind`. */
export type MarketTick = ({ kind: 'quote' } & QuoteTick) | ({ kind: 'trade' } & TradeTick);

/** What a strategy asks for: an order without the ids the host fills in. */
export type StrategyOrder = Omit<OrderRequest, 'clientOrderId' | 'strategyId'>;

export interface PositionView {
  instrumentId: string;
  positionId: string;
  /** Net signed quantity of the instrument (netting) or of this position (hedging). */
  quantity: string;
}

export interface StrategyLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What a strategy can do and read; the host backs it with messages to risk, and the views it keeps. */
export interface StrategyContext {
  readonly strategyId: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly log: StrategyLog;
  now(): number;
  instrument(instrumentId: string): InstrumentSpec | undefined;
  /** Sends the order to the risk engine; returns its client order id (unique across restarts). */
  submit(order: StrategyOrder): string;
  cancel(clientOrderId: string): void;
  modify(clientOrderId: string, change: { quantity?: string; price?: string; triggerPrice?: string }): void;
  /** The net position in an instrument, as the portfolio last reported it. */
  position(instrumentId: string): PositionView | undefined;
  /** This strategy's orders that are not closed, as execution last reported them. */
  openOrders(instrumentId?: string): Order[];
}

/**
 * A user strategy: plain handlers, each optional. A handler that throws fails the strategy's actor, and its
 * supervisor restarts it; it never takes the node down.
 */
export interface Strategy {
  /** The instruments to receive ticks for, and the bar interval wanted (none when absent). */
  readonly subscriptions: ReadonlyArray<{
    instrumentId: string;
    quotes?: boolean;
    trades?: boolean;
    barIntervalMs?: number;
  }>;
  onStart?(ctx: StrategyContext): void;
  onTick?(tick: MarketTick, ctx: StrategyContext): void;
  onBar?(bar: Bar, ctx: StrategyContext): void;
  onOrderEvent?(report: { order: Order; event: OrderEvent | { type: string } }, ctx: StrategyContext): void;
  onPositionChanged?(position: PositionView, ctx: StrategyContext): void;
  onStop?(ctx: StrategyContext): void;
}

/** What a strategy module exports (as `default` or `createStrategy`): a strategy made from its parameters. */
export type StrategyFactory = (params: Readonly<Record<string, unknown>>) => Strategy;
