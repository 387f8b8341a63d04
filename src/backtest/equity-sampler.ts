import type { BacktestLedger } from './ledger.ts';
import type { EquityPoint, PricePoint } from './results.ts';

interface Sample {
  time: number;
  equity: number;
  prices: Array<[string, number]>;
}

/** Samples kept at most; past it, every other one goes and the interval doubles, so memory stays bounded. */
const MAX_SAMPLES = 100_000;
const FIRST_INTERVAL_MS = 1000;

/**
 * The equity curve and the report's prices, sampled on simulated time: the first event, then once per interval
 * boundary crossed, then the end. A long replay thins its samples rather than grow without bound.
 */
export class EquitySampler {
  private readonly samples: Sample[] = [];
  private intervalMs = FIRST_INTERVAL_MS;
  private nextAt = Number.NEGATIVE_INFINITY;

  observe(time: number, ledger: BacktestLedger): void {
    if (time < this.nextAt) return;
    this.take(time, ledger);
    this.nextAt = (Math.floor(time / this.intervalMs) + 1) * this.intervalMs;
    if (this.samples.length > MAX_SAMPLES) this.thin();
  }

  /** The last sample, at the end of the replay (replacing one taken at that same time). */
  finish(time: number, ledger: BacktestLedger): void {
    if (this.samples.at(-1)?.time === time) this.samples.pop();
    this.take(time, ledger);
  }

  equity(): EquityPoint[] {
    return this.samples.map(({ time, equity }) => ({ time, equity }));
  }

  prices(): PricePoint[] {
    return this.samples.flatMap(({ time, prices }) =>
      prices.map(([instrumentId, price]) => ({ time, instrumentId, price })),
    );
  }

  private take(time: number, ledger: BacktestLedger): void {
    const prices: Array<[string, number]> = [];
    for (const [instrumentId, price] of ledger.lastPrices())
      prices.push([instrumentId, Number(price.toString())]);
    this.samples.push({ time, equity: Number(ledger.equity().toString()), prices });
  }

  private thin(): void {
    let kept = 0;
    for (let i = 0; i < this.samples.length; i += 2) this.samples[kept++] = this.samples[i] as Sample;
    this.samples.length = kept;
    this.intervalMs *= 2;
  }
}
