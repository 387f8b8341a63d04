import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { Decimal } from '../../src/domain/decimal.ts';
import type { Instrument } from '../../src/domain/instrument.ts';

export interface SyntheticMarketSettings {
  /** Where the mid starts, as decimal text. */
  startPrice: string;
  seed: number;
  /** The largest move of the mid per step, in ticks (each step moves it uniformly within ±this). */
  volatilityTicks?: number;
  /** Ticks from the mid to the best bid and to the best ask. */
  halfSpreadTicks?: number;
  /** Price levels on each side. */
  levels?: number;
  /** Ticks between levels. */
  levelGapTicks?: number;
  /** Size of a level, in units of the size precision: uniform between these. */
  minLevelSize?: number;
  maxLevelSize?: number;
}

/** A synthetic market's whole state: plain data, so that the venue saves it and resumes the same walk. */
export interface SyntheticMarketState {
  settings: Required<SyntheticMarketSettings>;
  /** The mid in ticks. */
  midTicks: number;
  rng: number[];
  steps: number;
}

export interface MarketLevels {
  bids: Array<[string, string]>;
  asks: Array<[string, string]>;
}

export function syntheticMarket(
  settings: SyntheticMarketSettings,
  instrument: Instrument,
): SyntheticMarketState {
  const start = Decimal.parse(settings.startPrice, 'startPrice');
  const tick = instrument.tickSize;
  const midTicks = Number(start.rescale(tick.scale).units / tick.rescale(tick.scale).units);
  if (!Number.isSafeInteger(midTicks) || midTicks <= 0) {
    throw new Error(`startPrice ${settings.startPrice} is not a positive price in ticks of ${tick}`);
  }
  return {
    settings: {
      volatilityTicks: 3,
      halfSpreadTicks: 1,
      levels: 5,
      levelGapTicks: 1,
      minLevelSize: 100,
      maxLevelSize: 5000,
      ...settings,
    },
    midTicks,
    rng: [...xoroshiro128plus(settings.seed).getState()],
    steps: 0,
  };
}

/**
 * One step of a seeded random walk: the mid moves, and the book is rebuilt around it (levels a gap apart, random
 * sizes). The mid never goes below the spread. The same seed gives the same market, step for step.
 */
export function stepMarket(
  state: SyntheticMarketState,
  instrument: Instrument,
): { state: SyntheticMarketState; levels: MarketLevels } {
  const rng = xoroshiro128plusFromState(state.rng);
  const { volatilityTicks, halfSpreadTicks, levels, levelGapTicks, minLevelSize, maxLevelSize } =
    state.settings;
  const floor = halfSpreadTicks + levels * levelGapTicks + 1;
  const midTicks = Math.max(floor, state.midTicks + uniformInt(rng, -volatilityTicks, volatilityTicks));
  const tick = instrument.tickSize;
  const price = (ticks: number) =>
    Decimal.fromUnits(BigInt(ticks) * tick.units, tick.scale)
      .rescale(instrument.pricePrecision)
      .toString();
  const size = () =>
    Decimal.fromUnits(
      BigInt(uniformInt(rng, minLevelSize, maxLevelSize)),
      instrument.sizePrecision,
    ).toString();
  const book: MarketLevels = { bids: [], asks: [] };
  for (let level = 0; level < levels; level += 1) {
    const away = halfSpreadTicks + level * levelGapTicks;
    book.bids.push([price(midTicks - away), size()]);
    book.asks.push([price(midTicks + away), size()]);
  }
  return { state: { ...state, midTicks, rng: [...rng.getState()], steps: state.steps + 1 }, levels: book };
}
