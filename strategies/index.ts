import type { StrategyFactory } from '../actors/strategy-host/strategy.ts';
import { createMaCrossover } from './ma-crossover.ts';
import { createMarketMaker } from './market-maker.ts';

/** The strategies a host runs by name; any other strategy is named by its module. */
export const BUILTIN_STRATEGIES: Readonly<Record<string, StrategyFactory>> = Object.freeze({
  'market-maker': createMarketMaker,
  'ma-crossover': createMaCrossover,
});
