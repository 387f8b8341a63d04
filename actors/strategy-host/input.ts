import { type InstrumentSpec, instrumentOf } from '../../src/domain/instrument.ts';
import { ValidationError } from '../../src/resilience/errors.ts';
import { builtinFactory, createStrategy, isModuleReference } from './load-strategy.ts';

export interface StrategyHostInput {
  /** The id orders are sent under, and order events come back to. Default: the host's own actor id. */
  strategyId?: string;
  /** A builtin name (`market-maker`, `ma-crossover`) or a module path or file URL exporting a factory. */
  strategy: string;
  params?: Record<string, unknown>;
  instruments: InstrumentSpec[];
  riskId?: string;
  marketDataId?: string;
}

/** The input with defaults filled in: what the host keeps, and what its strategy session is made from. */
export interface StrategyHostSettings {
  strategyId: string;
  strategy: string;
  params: Record<string, unknown>;
  instruments: InstrumentSpec[];
  riskId: string;
  marketDataId: string;
}

const optionalId = (input: Record<string, unknown>, field: string, fallback: string): string => {
  const value = input[field] ?? fallback;
  if (typeof value !== 'string' || value.length === 0) {
    throw new ValidationError(`strategy host: ${field} must be a non-empty string`, { field });
  }
  return value;
};

/**
 * Checks the input when the host starts, so that what can be known at once fails the start itself: the shape,
 * the instruments, a builtin's name and its params (a builtin's factory is pure, so trying it costs nothing).
 * A module strategy can only be checked once it is imported, which the session does.
 */
export function settingsOf(input: unknown, actorId: string): StrategyHostSettings {
  if (typeof input !== 'object' || input === null) {
    throw new ValidationError('strategy host: input must be an object with strategy and instruments');
  }
  const given = input as Record<string, unknown>;
  const strategy = given.strategy;
  if (typeof strategy !== 'string' || strategy.length === 0) {
    throw new ValidationError('strategy host: strategy must be a builtin name or a module path or file URL');
  }
  const params = given.params ?? {};
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new ValidationError(`strategy host: params of '${strategy}' must be an object`);
  }
  if (!Array.isArray(given.instruments)) {
    throw new ValidationError('strategy host: instruments must be an array of instrument specs');
  }
  for (const spec of given.instruments) instrumentOf(spec as InstrumentSpec);
  const settings: StrategyHostSettings = {
    strategyId: optionalId(given, 'strategyId', actorId),
    strategy,
    params: params as Record<string, unknown>,
    instruments: given.instruments as InstrumentSpec[],
    riskId: optionalId(given, 'riskId', 'risk'),
    marketDataId: optionalId(given, 'marketDataId', 'market-data'),
  };
  if (!isModuleReference(strategy)) createStrategy(strategy, builtinFactory(strategy), settings.params);
  return settings;
}
