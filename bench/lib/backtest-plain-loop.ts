import { Decimal } from '../../src/domain/decimal.ts';

/*
 * The baseline of the backtest-events bench: the ma-crossover backtest the engine runs through the node's actors,
 * written as plain function calls in one loop over trades already in memory. No actors, no messages, no clock, no
 * timers: what the strategy and the matching rule cost by themselves. Money is exact (the repo's Decimal), as in the
 * engine, so that the comparison is of the machinery, not of floats against decimals.
 *
 * It follows what the engine does with a trades-only file (checked by the bench: the same fills and PnL):
 * - bars: 1 s time bars of the trades; the engine's market-data actor closes a bar at its end by its bar-close timer,
 *   which fires before a trade stamped at or after the end reaches the venue, and the bar open at the last trade is
 *   closed in the cool-down after it;
 * - ma-crossover: simple moving averages of the last `slow` closes, compared without dividing (sumFast x slow
 *   against sumSlow x fast); on a cross, a market order for the difference between the target (+/- size) and the
 *   position; a bar whose comparison is equal changes nothing;
 * - matching: the venue's book, on an instrument with no quotes, is one level a side one tick either side of the last
 *   trade's price, as deep as the instrument's largest order; a market order fills at once, in full, one tick worse
 *   than the last trade (buy above, sell below), with the taker fee on the notional rescaled to
 *   max(pricePrecision, 8) places as the simulated venue does;
 * - PnL: the cash flows of the fills (net of fees) plus the position marked at the last trade's price.
 * Not done here (the engine does them): bars' open/high/low/volume, schema checks of each line, risk checks, order
 * state, the portfolio's books, the equity curve, the results' statistics.
 */

export interface PlainLoopOptions {
  instrumentId: string;
  tickSize: string;
  pricePrecision: number;
  sizePrecision: number;
  barIntervalMs: number;
  fast: number;
  slow: number;
  /** The strategy's order size, decimal text. */
  size: string;
  /** The venue's taker fee rate, decimal text. */
  takerFee: string;
  /** Trades stamped after this end the replay (ms since the epoch), as the spec's `to`. */
  to?: number;
}

export interface PlainLoopResult {
  events: number;
  fills: number;
  /** Decimal text, signed. */
  position: string;
  /** Decimal text: cash flows of the fills net of fees, plus the position marked at the last price. */
  pnl: string;
  fees: string;
}

interface TradeLine {
  instrumentId: string;
  ts: number;
  price: string;
}

/** One backtest over JSONL trades held in memory (`text`, the whole file): split, parsed and replayed in one loop. */
export function runPlainLoop(text: string, options: PlainLoopOptions): PlainLoopResult {
  const { barIntervalMs, fast, slow, to } = options;
  const tick = Decimal.parse(options.tickSize);
  const feeRate = Decimal.parse(options.takerFee);
  const feeScale = Math.max(options.pricePrecision, 8);
  const size = Decimal.parse(options.size).rescale(options.sizePrecision, 'DOWN');
  const slowTimesFast = [Decimal.of(slow), Decimal.of(fast)] as const;

  const closes: Decimal[] = [];
  let lastSign: -1 | 0 | 1 = 0;
  let position = Decimal.zero();
  let flow = Decimal.zero();
  let fees = Decimal.zero();
  let fills = 0;
  let events = 0;
  /** The last trade's price: where the venue's book is, and the close of the open bar. */
  let last: Decimal | undefined;
  /** The open bar's end (ms), or undefined before the first trade. */
  let barEnd: number | undefined;

  /** A market order for `quantity` (signed) fills at once, one tick worse than the last trade. */
  const fill = (quantity: Decimal) => {
    const buy = quantity.sign > 0;
    const price = buy ? (last as Decimal).add(tick) : (last as Decimal).sub(tick);
    const notional = price.mul(quantity.abs());
    const fee = notional.mul(feeRate).rescale(feeScale);
    flow = flow.add(buy ? notional.neg() : notional).sub(fee);
    fees = fees.add(fee);
    position = position.add(quantity);
    fills += 1;
  };

  /** The open bar closes at `last`: the strategy's onBar. */
  const onBar = (close: Decimal) => {
    closes.push(close);
    if (closes.length > slow) closes.shift();
    if (closes.length < slow) return;
    const sumSlow = closes.reduce((sum, c) => sum.add(c), Decimal.zero());
    const sumFast = closes.slice(slow - fast).reduce((sum, c) => sum.add(c), Decimal.zero());
    const sign = sumFast.mul(slowTimesFast[0]).cmp(sumSlow.mul(slowTimesFast[1]));
    if (sign === 0) return;
    if (lastSign !== 0 && sign !== lastSign) {
      const difference = (sign > 0 ? size : size.neg()).sub(position).rescale(options.sizePrecision, 'DOWN');
      if (!difference.isZero()) fill(difference);
    }
    lastSign = sign;
  };

  let at = 0;
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end === -1) end = text.length;
    const line = text.slice(at, end).trim();
    at = end + 1;
    if (line === '' || line.startsWith('#')) continue;
    const trade = JSON.parse(line) as TradeLine;
    if (trade.instrumentId !== options.instrumentId) continue;
    if (to !== undefined && trade.ts > to) break;
    const price = Decimal.parse(trade.price);
    // The bar-close timer fires at the open bar's end, before this trade reaches the venue: the order the bar
    // causes fills against the book the last trade made.
    if (barEnd !== undefined && trade.ts >= barEnd) onBar(last as Decimal);
    if (barEnd === undefined || trade.ts >= barEnd) {
      barEnd = (Math.floor(trade.ts / barIntervalMs) + 1) * barIntervalMs;
    }
    last = price;
    events += 1;
  }
  // The cool-down closes the bar the last trade was in.
  if (last !== undefined) onBar(last);
  const pnl = last === undefined ? flow : flow.add(position.mul(last));
  return { events, fills, position: position.toString(), pnl: pnl.toString(), fees: fees.toString() };
}
