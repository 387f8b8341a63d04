import { writeFileSync } from 'node:fs';

/*
 * A market data file for the backtest parity test: quotes of one instrument (tick 0.01, two decimal places) at a
 * fixed spread, first flat for a while and then along a deterministic wave. The flat start is what makes a live run
 * comparable with a backtest: a live node misses the first ticks (its venue starts replaying when the adapter
 * subscribes, before the strategy may have), and a quote in the flat start is the same whichever one comes first.
 */

export interface ParityDataOptions {
  instrumentId: string;
  /** The mid everything starts at, in ticks of 0.01 (6_000_000 is 60000.00). */
  startMidTicks: number;
  /** Half the quoted spread, in ticks: bid = mid - this, ask = mid + this. */
  halfSpreadTicks: number;
  /** Quotes at the start mid before the wave. */
  flatQuotes: number;
  /** Quotes along the wave after the flat start. */
  waveQuotes: number;
  /** Peak distance of the wave from the start mid, in ticks. */
  amplitudeTicks: number;
  /** Quotes per wave period. */
  period: number;
  /** Time of the first quote (epoch ms) and the time between quotes (ms). */
  startTime: number;
  spacingMs: number;
  /** Size at the bid and at the ask (decimal text). */
  size: string;
}

export interface ParityQuote {
  ts: number;
  bid: string;
  ask: string;
}

const priceOf = (ticks: number): string => {
  const text = String(ticks).padStart(3, '0');
  return `${text.slice(0, -2)}.${text.slice(-2)}`;
};

/** The quotes of the file, in order. */
export function parityQuotes(options: ParityDataOptions): ParityQuote[] {
  const quotes: ParityQuote[] = [];
  const count = options.flatQuotes + options.waveQuotes;
  for (let index = 0; index < count; index += 1) {
    const step = index - options.flatQuotes;
    // Whole ticks, so every mid is on the tick and so are the strategy's prices around it.
    const offset =
      step <= 0 ? 0 : Math.round(options.amplitudeTicks * Math.sin((2 * Math.PI * step) / options.period));
    const mid = options.startMidTicks + offset;
    quotes.push({
      ts: options.startTime + index * options.spacingMs,
      bid: priceOf(mid - options.halfSpreadTicks),
      ask: priceOf(mid + options.halfSpreadTicks),
    });
  }
  return quotes;
}

/** Writes the quotes as a CSV file (docs/market-data-format.md) and returns them. */
export function writeParityData(file: string, options: ParityDataOptions): ParityQuote[] {
  const quotes = parityQuotes(options);
  const lines = ['instrumentId,ts,bid,ask,bidSize,askSize'];
  for (const quote of quotes) {
    lines.push(
      `${options.instrumentId},${quote.ts},${quote.bid},${quote.ask},${options.size},${options.size}`,
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return quotes;
}
