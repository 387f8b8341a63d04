import type { Logger } from '../../src/telemetry/logger.ts';
import { type ContextPorts, HostedStrategyContext, type HostViews } from './context.ts';
import type { StrategyHostSettings } from './input.ts';
import { createStrategy, loadStrategyFactory } from './load-strategy.ts';
import type { MarketTick, PositionView, Strategy, StrategyLog } from './strategy.ts';

type OrderReport = Parameters<NonNullable<Strategy['onOrderEvent']>>[0];
type BarOf = Parameters<NonNullable<Strategy['onBar']>>[0];

/**
 * One incarnation of a strategy: the strategy object and its context. Calls into the strategy are not guarded:
 * a handler that throws must fail the actor, so that its supervisor restarts it with a fresh strategy.
 */
export class StrategySession {
  /** Whether onStart ran: the host passes market data on only after it. */
  started = false;

  constructor(
    readonly strategy: Strategy,
    readonly context: HostedStrategyContext,
  ) {}

  start(views: HostViews): void {
    this.context.views = views;
    this.started = true;
    this.strategy.onStart?.(this.context);
  }

  tick(tick: MarketTick, views: HostViews): void {
    this.context.counters.ticks += 1;
    this.context.views = views;
    this.strategy.onTick?.(tick, this.context);
  }

  bar(bar: BarOf, views: HostViews): void {
    this.context.counters.bars += 1;
    this.context.views = views;
    this.strategy.onBar?.(bar, this.context);
  }

  orderEvent(report: OrderReport, views: HostViews): void {
    this.context.reported(report.order.clientOrderId);
    this.context.views = views;
    this.strategy.onOrderEvent?.(report, this.context);
  }

  positionChanged(position: PositionView, views: HostViews): void {
    this.context.views = views;
    this.strategy.onPositionChanged?.(position, this.context);
  }

  /** The actor is stopping: a strategy that throws now can only be logged, there is nothing left to restart. */
  stop(): void {
    if (!this.started) return;
    try {
      this.strategy.onStop?.(this.context);
    } catch (error) {
      this.context.log.error('strategy failed in onStop', { error: (error as Error).message });
    }
  }
}

/** The strategy's log: the host's logger, with the strategy's fields beside the message. */
export function strategyLog(log: Logger): StrategyLog {
  return {
    info: (message, fields) => log.info(fields ?? {}, message),
    warn: (message, fields) => log.warn(fields ?? {}, message),
    error: (message, fields) => log.error(fields ?? {}, message),
  };
}

/** Loads the strategy (a dynamic import for a module) and makes it from its params. */
export async function openSession(
  settings: StrategyHostSettings,
  ports: ContextPorts,
): Promise<StrategySession> {
  const factory = await loadStrategyFactory(settings.strategy);
  const strategy = createStrategy(settings.strategy, factory, settings.params);
  const context = new HostedStrategyContext({
    strategyId: settings.strategyId,
    params: settings.params,
    instruments: settings.instruments,
    riskId: settings.riskId,
    ports,
  });
  return new StrategySession(strategy, context);
}
