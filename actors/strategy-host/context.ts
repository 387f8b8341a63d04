import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ClientOrderIdGenerator } from '../../src/domain/identifiers.ts';
import type { InstrumentSpec } from '../../src/domain/instrument.ts';
import type { Order, OrderRequest } from '../../src/domain/order.ts';
import { OrderRequestSchema } from '../../src/domain/schemas.ts';
import { ValidationError } from '../../src/resilience/errors.ts';
import type { EnvelopeOptions } from '../../src/runtime/envelope.ts';
import type { PositionView, StrategyContext, StrategyLog, StrategyOrder } from './strategy.ts';

/** What the host knows of its orders and positions, as execution and the portfolio last reported them. */
export interface HostViews {
  readonly openOrders: Readonly<Record<string, Order>>;
  readonly positions: Readonly<Record<string, PositionView>>;
}

/** Every order request a strategy makes starts a trace of its own: one trace per order, whatever led to it. */
const ORDER_TRACE: EnvelopeOptions = { trace: 'entry' };

/** The effects a strategy's context needs: the host's messages out, its clock and its log. */
export interface ContextPorts {
  tell(to: string, type: string, payload: unknown, options?: EnvelopeOptions): void;
  now(): number;
  readonly log: StrategyLog;
}

export interface ContextCounters {
  ticks: number;
  bars: number;
  ordersSubmitted: number;
}

export interface ContextOptions {
  strategyId: string;
  params: Readonly<Record<string, unknown>>;
  instruments: readonly InstrumentSpec[];
  riskId: string;
  ports: ContextPorts;
}

/** What a strategy passes: the request without the ids the host gives it (a strategy that sets them is refused). */
const orderCheck = TypeCompiler.Compile(Type.Omit(OrderRequestSchema, ['clientOrderId', 'strategyId']));
const EMPTY_VIEWS: HostViews = { openOrders: {}, positions: {} };

/**
 * The StrategyContext a host gives its strategy: orders go to the risk engine under the host's strategy id, with
 * client order ids unique across restarts (each incarnation's generator starts at its own time), and reads come
 * from the views the host sets before each call into the strategy.
 */
export class HostedStrategyContext implements StrategyContext {
  readonly strategyId: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly log: StrategyLog;
  readonly counters: ContextCounters = { ticks: 0, bars: 0, ordersSubmitted: 0 };
  /** Set by the host before it calls the strategy. */
  views: HostViews = EMPTY_VIEWS;
  private readonly instruments: ReadonlyMap<string, InstrumentSpec>;
  private readonly ids: ClientOrderIdGenerator;
  /** Orders sent that execution has not reported yet: a modify needs their instrument before the first report. */
  private readonly unreported = new Map<string, string>();
  private readonly riskId: string;
  private readonly ports: ContextPorts;

  constructor(options: ContextOptions) {
    this.strategyId = options.strategyId;
    this.params = options.params;
    this.log = options.ports.log;
    this.instruments = new Map(options.instruments.map((spec) => [spec.id, spec]));
    this.ids = new ClientOrderIdGenerator(options.strategyId, options.ports.now());
    this.riskId = options.riskId;
    this.ports = options.ports;
  }

  now(): number {
    return this.ports.now();
  }

  instrument(instrumentId: string): InstrumentSpec | undefined {
    return this.instruments.get(instrumentId);
  }

  submit(order: StrategyOrder): string {
    // A malformed order is a bug in the strategy: failing here names it, where risk would only drop the message.
    if (!orderCheck.Check(order)) {
      const first = orderCheck.Errors(order).First();
      throw new ValidationError(
        `strategy ${this.strategyId}: invalid order (${first?.path || '/'}: ${first?.message})`,
        { strategyId: this.strategyId },
      );
    }
    // The ids first: V8 gives every object made by spreading first and then adding a property a map of its own,
    // which makes each order slow to build and every later read of it megamorphic.
    const request: OrderRequest = { clientOrderId: this.ids.next(), strategyId: this.strategyId, ...order };
    this.unreported.set(request.clientOrderId, request.instrumentId);
    this.counters.ordersSubmitted += 1;
    this.ports.tell(this.riskId, 'submit', { order: request }, ORDER_TRACE);
    return request.clientOrderId;
  }

  cancel(clientOrderId: string): void {
    this.ports.tell(this.riskId, 'cancel', { clientOrderId }, ORDER_TRACE);
  }

  modify(clientOrderId: string, change: { quantity?: string; price?: string; triggerPrice?: string }): void {
    const instrumentId =
      this.unreported.get(clientOrderId) ?? this.views.openOrders[clientOrderId]?.instrumentId;
    if (instrumentId === undefined) {
      // Closed while the strategy decided to modify it: the risk engine would deny it as not open.
      this.log.warn('modify of an order that is not open ignored', { clientOrderId });
      return;
    }
    this.ports.tell(this.riskId, 'modify', { clientOrderId, instrumentId, ...change }, ORDER_TRACE);
  }

  /** Execution reported the order: from now on the views know it. */
  reported(clientOrderId: string): void {
    this.unreported.delete(clientOrderId);
  }

  position(instrumentId: string): PositionView | undefined {
    return this.views.positions[instrumentId];
  }

  openOrders(instrumentId?: string): Order[] {
    const orders = Object.values(this.views.openOrders);
    return instrumentId === undefined
      ? orders
      : orders.filter((order) => order.instrumentId === instrumentId);
  }
}
