import { Decimal } from '../../src/domain/decimal.ts';
import type { TradeTick } from '../../src/domain/market-data.ts';

/*
 * A bar (OHLCV) replayed as the four trades it is known to contain, the way bar-driven backtesters price a bar:
 * open, then the extreme nearer the open's side of the move, the other extreme, then close. A bar that closed up
 * is taken to have dipped first (open, low, high, close); one that closed down or flat to have risen first (open,
 * high, low, close). The matching engine then sees the bar's whole range, in an order that does not flatter a
 * strategy buying dips in an up-bar.
 */

export interface Bar {
  instrumentId: string;
  /** When the bar opened, epoch ms. */
  ts: number;
  durationMs: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

/** Why a bar's prices do not make a bar, if they do not. */
export function checkBar(bar: Bar): string | undefined {
  const [open, high, low, close] = [bar.open, bar.high, bar.low, bar.close].map((text) =>
    Decimal.parse(text),
  ) as [Decimal, Decimal, Decimal, Decimal];
  if (low.gt(high)) return `low: ${bar.low} is above the high ${bar.high}`;
  for (const [name, price] of [
    ['open', open],
    ['close', close],
  ] as const) {
    if (price.gt(high)) return `${name}: ${bar[name]} is above the high ${bar.high}`;
    if (price.lt(low)) return `${name}: ${bar[name]} is below the low ${bar.low}`;
  }
  return undefined;
}

/**
 * The bar's volume in four parts: a quarter each, the rest on the close, at the volume's own scale or the
 * instrument's size precision if that is coarser (a volume summed from many trades often has more places than an
 * order may). The parts add up to the volume, rounded down at that scale. A part that comes to nothing (a bar of
 * zero or tiny volume) is the smallest size the scale can write, because a trade has a positive size; such a
 * bar's trades then say a little more volume than it had.
 */
function volumeParts(volume: string, sizePrecision: number | undefined): string[] {
  const parsed = Decimal.parse(volume);
  const total =
    sizePrecision !== undefined && parsed.scale > sizePrecision
      ? parsed.rescale(sizePrecision, 'DOWN')
      : parsed;
  const quarter = total.units / 4n;
  const units = [quarter, quarter, quarter, total.units - 3n * quarter];
  return units.map((part) => Decimal.fromUnits(part > 0n ? part : 1n, total.scale).toString());
}

/**
 * The bar's four trades, at its open, a third and two thirds of the way through it, and its last millisecond, so
 * that they stay inside the bar and in time order (a bar shorter than 4 ms puts some of them at the same time).
 */
export function barTrades(bar: Bar, sizePrecision?: number): TradeTick[] {
  const risesFirst = !Decimal.parse(bar.close).gt(Decimal.parse(bar.open));
  const prices = risesFirst
    ? [bar.open, bar.high, bar.low, bar.close]
    : [bar.open, bar.low, bar.high, bar.close];
  const last = Math.max(bar.durationMs - 1, 0);
  const offsets = [0, Math.floor(last / 3), Math.floor((2 * last) / 3), last];
  const sizes = volumeParts(bar.volume, sizePrecision);
  return prices.map((price, at) => ({
    instrumentId: bar.instrumentId,
    price,
    size: sizes[at] as string,
    ts: bar.ts + (offsets[at] as number),
  }));
}
