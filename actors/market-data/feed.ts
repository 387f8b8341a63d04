import { Decimal } from '../../src/domain/decimal.ts';
import type { Bar, QuoteTick, TradeTick } from '../../src/domain/market-data.ts';
import { TimeBars } from './bars.ts';
import { FanOut, type Outlet } from './fan-out.ts';
import type { PriceSinks } from './machine.ts';
import { midOf } from './mid.ts';
import type { Route, Subscriptions } from './subscriptions.ts';

export interface FeedStats {
  quotes: number;
  trades: number;
  bars: number;
  lateTicks: number;
  subscribers: Array<{ subscriber: string; instruments: string[]; delivered: number; dropped: number }>;
  sinks: Array<{ sink: string; delivered: number; dropped: number }>;
}

/**
 * The tick path of one market-data actor: counts, bars in the making, and delivery. It lives outside the machine
 * (a transition per tick would cap the feed at a fifth of the transport) and is not persisted: after a restart
 * the bars in the making start again with the next tick, and subscribers get the next values.
 */
export class Feed {
  private quotes = 0;
  private trades = 0;
  private bars = 0;
  /** Late ticks of bars no longer kept (see closeBars). */
  private lateOfForgotten = 0;
  /** Instrument id to bar interval to its bars. */
  private readonly series = new Map<string, Map<number, TimeBars>>();
  private readonly fanOut: FanOut;
  private readonly hasSinks: boolean;
  /** The earliest bar end told to `barsDue` and not yet passed by `closeBars`, and the timer's period after it. */
  private dueAt = Number.POSITIVE_INFINITY;
  private dueEveryMs = 0;
  private readonly opened: ((end: number) => void) | undefined;

  /**
   * `barsDue`, when given, is told when the earliest bar in the making ends, whenever that changes and no timer
   * runs till then, with the common period of the bars in the making (see closeBars).
   */
  constructor(
    outlet: Outlet,
    maxInFlight: number,
    private readonly sinks: PriceSinks,
    private readonly barsDue?: (at: number, everyMs: number) => void,
  ) {
    this.opened = barsDue && ((end) => this.due(end));
    this.fanOut = new FanOut(outlet, maxInFlight);
    this.hasSinks =
      sinks.execution !== undefined || sinks.portfolio !== undefined || sinks.risk !== undefined;
  }

  quote(tick: QuoteTick, route: Route | undefined): void {
    this.quotes += 1;
    const id = tick.instrumentId;
    const barred = route !== undefined && route.bars.length > 0;
    if (barred || this.hasSinks) {
      const mid = midOf(Decimal.parse(tick.bid, 'bid'), Decimal.parse(tick.ask, 'ask'));
      if (barred)
        for (const bars of route.bars)
          this.emit(this.seriesOf(id, bars.intervalMs).mid(mid, tick.ts), bars.subscribers);
      if (this.hasSinks) this.publishPrice(id, mid.toString(), tick.bid, tick.ask);
    }
    if (route === undefined) return;
    const key = `quote ${id}`;
    for (const subscriber of route.quotes) this.fanOut.deliver(subscriber, key, 'quote', tick);
  }

  trade(tick: TradeTick, route: Route | undefined): void {
    this.trades += 1;
    const id = tick.instrumentId;
    if (route !== undefined && route.bars.length > 0) {
      const price = Decimal.parse(tick.price, 'price');
      const size = Decimal.parse(tick.size, 'size');
      for (const bars of route.bars)
        this.emit(this.seriesOf(id, bars.intervalMs).trade(price, size, tick.ts), bars.subscribers);
    }
    if (this.hasSinks) this.publishPrice(id, tick.price);
    if (route === undefined) return;
    const key = `trade ${id}`;
    for (const subscriber of route.trades) this.fanOut.deliver(subscriber, key, 'trade', tick);
  }

  /**
   * Closes the bars whose interval ended by `now`, and forgets the bars no subscriber wants any more; then says
   * when the earliest bar still in the making ends. `armedUntil`: when the timer fires next, if it runs on by
   * the period; it keeps running only if this closed a bar, and returns whether it did.
   */
  closeBars(now: number, routes: Readonly<Record<string, Route>>, armedUntil?: number): boolean {
    let next = Number.POSITIVE_INFINITY;
    const closedBefore = this.bars;
    for (const [instrumentId, byInterval] of this.series) {
      const wanted = routes[instrumentId]?.bars ?? [];
      for (const [intervalMs, bars] of byInterval) {
        const route = wanted.find((entry) => entry.intervalMs === intervalMs);
        if (route === undefined) {
          this.lateOfForgotten += bars.late;
          byInterval.delete(intervalMs);
        } else {
          this.emit(bars.closeUntil(now), route.subscribers);
          next = Math.min(next, bars.openUntil ?? next);
        }
      }
      if (byInterval.size === 0) this.series.delete(instrumentId);
    }
    const closed = this.bars > closedBefore;
    if (this.dueAt <= now) {
      this.dueAt = Number.POSITIVE_INFINITY;
      this.dueEveryMs = 0;
    }
    if (closed && armedUntil !== undefined && armedUntil > now && armedUntil < this.dueAt) {
      this.dueAt = armedUntil;
      this.dueEveryMs = this.period();
    }
    if (next < Number.POSITIVE_INFINITY) this.due(next);
    return closed;
  }

  /**
   * A bar in the making ends at `end`. Every bar end is a multiple of the period, so a timer beating by it from
   * an earlier bar end reaches this one: only an earlier end, or a period changed by a new interval, is told.
   */
  private due(end: number): void {
    const at = Math.min(end, this.dueAt);
    const everyMs = this.period();
    if (at === this.dueAt && everyMs === this.dueEveryMs) return;
    this.dueAt = at;
    this.dueEveryMs = everyMs;
    this.barsDue?.(at, everyMs);
  }

  /** The greatest common divisor of the intervals of the bars kept: every bar of them ends on a multiple of it. */
  private period(): number {
    let period = 0;
    for (const byInterval of this.series.values())
      for (const intervalMs of byInterval.keys()) {
        let a = intervalMs;
        let b = period;
        while (b > 0) [a, b] = [b, a % b];
        period = a;
      }
    return period;
  }

  stats(subscriptions: Subscriptions): FeedStats {
    let lateTicks = this.lateOfForgotten;
    for (const byInterval of this.series.values())
      for (const bars of byInterval.values()) lateTicks += bars.late;
    const sinks = [this.sinks.execution, this.sinks.portfolio, this.sinks.risk].filter(
      (sink): sink is string => sink !== undefined,
    );
    return {
      quotes: this.quotes,
      trades: this.trades,
      bars: this.bars,
      lateTicks,
      subscribers: Object.entries(subscriptions).map(([subscriber, instruments]) => ({
        subscriber,
        instruments: Object.keys(instruments),
        ...this.fanOut.counts(subscriber),
      })),
      sinks: sinks.map((sink) => ({ sink, ...this.fanOut.counts(sink) })),
    };
  }

  private seriesOf(instrumentId: string, intervalMs: number): TimeBars {
    let byInterval = this.series.get(instrumentId);
    if (byInterval === undefined) {
      byInterval = new Map();
      this.series.set(instrumentId, byInterval);
    }
    let bars = byInterval.get(intervalMs);
    if (bars === undefined) {
      bars = new TimeBars(instrumentId, intervalMs, this.opened);
      byInterval.set(intervalMs, bars);
    }
    return bars;
  }

  private emit(bar: Bar | undefined, subscribers: readonly string[]): void {
    if (bar === undefined) return;
    this.bars += 1;
    const key = `bar ${bar.intervalMs} ${bar.instrumentId}`;
    for (const subscriber of subscribers) this.fanOut.deliver(subscriber, key, 'bar', bar);
  }

  /** Prices are conflated like ticks: a sink that falls behind needs the latest price, not every one. */
  private publishPrice(instrumentId: string, price: string, bid?: string, ask?: string): void {
    const { execution, portfolio, risk } = this.sinks;
    if (execution !== undefined) {
      const payload = bid === undefined ? { instrumentId, price } : { instrumentId, price, bid, ask };
      this.fanOut.deliver(execution, `marketPrice ${instrumentId}`, 'marketPrice', payload);
    }
    if (portfolio !== undefined)
      this.fanOut.deliver(portfolio, `mark ${instrumentId}`, 'mark', { instrumentId, price });
    if (risk !== undefined)
      this.fanOut.deliver(risk, `price ${instrumentId}`, 'price', { instrumentId, price });
  }
}
