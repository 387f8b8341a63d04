import { Decimal } from '../../src/domain/decimal.ts';
import type { Bar } from '../../src/domain/market-data.ts';

/*
 * Time bars of one instrument at one interval. Bar k covers [k * interval, (k + 1) * interval) of tick time.
 *
 * - A bar is built from the interval's trades; an interval with no trade but with quotes is built from the quote
 *   mids (volume 0), so that an illiquid instrument still has a price series. `ticks` counts what it was built from.
 * - The open bar closes when a tick at or past its end arrives, or when `closeUntil(now)` finds its end passed
 *   (the market-data actor's timer, so that a quiet market still gets its bars). An interval with no ticks makes
 *   no bar: there is no price to put in it.
 * - A tick stamped before the open bar's interval, or in an interval already closed, is late: it is left out of
 *   the bars (and counted) rather than reopening a bar its subscribers have already received.
 */

interface Ohlcv {
  open: Decimal;
  high: Decimal;
  low: Decimal;
  close: Decimal;
  volume: Decimal;
  ticks: number;
}

interface OpenBar {
  start: number;
  trades: Ohlcv | undefined;
  mids: Ohlcv | undefined;
}

const ZERO = Decimal.zero();

function extend(bar: Ohlcv | undefined, price: Decimal, size: Decimal): Ohlcv {
  if (bar === undefined)
    return { open: price, high: price, low: price, close: price, volume: size, ticks: 1 };
  if (price.gt(bar.high)) bar.high = price;
  if (price.lt(bar.low)) bar.low = price;
  bar.close = price;
  bar.volume = bar.volume.add(size);
  bar.ticks += 1;
  return bar;
}

export class TimeBars {
  /** Ticks left out of the bars because their interval had closed. */
  late = 0;
  private open: OpenBar | undefined;
  /** Ticks stamped before this are late. */
  private floor = Number.NEGATIVE_INFINITY;

  constructor(
    readonly instrumentId: string,
    readonly intervalMs: number,
    /** Told the end of every bar that opens. */
    private readonly onOpen?: (end: number) => void,
  ) {}

  /** When the bar in the making ends, if there is one. */
  get openUntil(): number | undefined {
    return this.open === undefined ? undefined : this.open.start + this.intervalMs;
  }

  /** Adds a trade; returns the bar it closed, if it is the first tick past the open bar's end. */
  trade(price: Decimal, size: Decimal, ts: number): Bar | undefined {
    if (ts < this.floor) {
      this.late += 1;
      return undefined;
    }
    const closed = this.rollTo(ts);
    const open = this.open as OpenBar;
    open.trades = extend(open.trades, price, size);
    return closed;
  }

  /** Adds a quote's mid price; returns the bar it closed, as `trade` does. */
  mid(price: Decimal, ts: number): Bar | undefined {
    if (ts < this.floor) {
      this.late += 1;
      return undefined;
    }
    const closed = this.rollTo(ts);
    const open = this.open as OpenBar;
    open.mids = extend(open.mids, price, ZERO);
    return closed;
  }

  /** Closes the open bar if its interval ended at or before `now`. */
  closeUntil(now: number): Bar | undefined {
    const open = this.open;
    if (open === undefined || now < open.start + this.intervalMs) return undefined;
    this.open = undefined;
    this.floor = open.start + this.intervalMs;
    return this.finish(open);
  }

  /** Makes the bar of `ts`'s interval the open one, closing the one before it. */
  private rollTo(ts: number): Bar | undefined {
    const open = this.open;
    if (open !== undefined && ts < open.start + this.intervalMs) return undefined;
    const start = Math.floor(ts / this.intervalMs) * this.intervalMs;
    this.open = { start, trades: undefined, mids: undefined };
    this.floor = start;
    this.onOpen?.(start + this.intervalMs);
    return open === undefined ? undefined : this.finish(open);
  }

  private finish(open: OpenBar): Bar {
    const from = (open.trades ?? open.mids) as Ohlcv;
    return {
      instrumentId: this.instrumentId,
      intervalMs: this.intervalMs,
      start: open.start,
      open: from.open.toString(),
      high: from.high.toString(),
      low: from.low.toString(),
      close: from.close.toString(),
      volume: from.volume.toString(),
      ticks: from.ticks,
    };
  }
}
