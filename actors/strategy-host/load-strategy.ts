import { isAbsolute } from 'node:path';
import { ValidationError } from '../../src/resilience/errors.ts';
import { resolveSource } from '../../src/runtime/actor-source.ts';
import { BUILTIN_STRATEGIES } from '../../strategies/index.ts';
import type { Strategy, StrategyFactory } from './strategy.ts';

/** Whether `name` names a module (a file URL or a path) rather than a builtin strategy. */
export function isModuleReference(name: string): boolean {
  return (
    name.startsWith('file:') ||
    isAbsolute(name) ||
    name.startsWith('./') ||
    name.startsWith('../') ||
    /\.[cm]?[jt]s$/.test(name)
  );
}

/** The factory of a builtin strategy; throws naming the builtins when there is none of that name. */
export function builtinFactory(name: string): StrategyFactory {
  const factory = BUILTIN_STRATEGIES[name];
  if (factory === undefined) {
    throw new ValidationError(
      `unknown strategy '${name}': builtins are ${Object.keys(BUILTIN_STRATEGIES).join(', ')}; ` +
        'any other strategy is named by a module path or file URL',
      { strategy: name },
    );
  }
  return factory;
}

/** Resolves a builtin name or a module (exporting a factory as `default` or `createStrategy`) to its factory. */
export async function loadStrategyFactory(name: string): Promise<StrategyFactory> {
  if (!isModuleReference(name)) return builtinFactory(name);
  const url = resolveSource({ module: name }).module;
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new ValidationError(`strategy module ${url} could not be loaded: ${(error as Error).message}`, {
      strategy: name,
    });
  }
  const factory = namespace.default ?? namespace.createStrategy;
  if (typeof factory !== 'function') {
    throw new ValidationError(
      `strategy module ${url} exports no strategy factory (a function as 'default' or 'createStrategy')`,
      { strategy: name },
    );
  }
  return factory as StrategyFactory;
}

const HANDLERS = ['onStart', 'onTick', 'onBar', 'onOrderEvent', 'onPositionChanged', 'onStop'] as const;

/** Makes the strategy from its params and checks its shape, so that a bad one fails here and not on a tick. */
export function createStrategy(
  name: string,
  factory: StrategyFactory,
  params: Readonly<Record<string, unknown>>,
): Strategy {
  let strategy: Strategy;
  try {
    strategy = factory(params);
  } catch (error) {
    throw new ValidationError(`strategy '${name}' refused its params: ${(error as Error).message}`, {
      strategy: name,
    });
  }
  const problem = shapeProblem(strategy);
  if (problem !== undefined) {
    throw new ValidationError(`strategy '${name}': its factory returned ${problem}`, { strategy: name });
  }
  return strategy;
}

function shapeProblem(strategy: unknown): string | undefined {
  if (typeof strategy !== 'object' || strategy === null) return 'no object';
  const candidate = strategy as Record<string, unknown>;
  if (!Array.isArray(candidate.subscriptions)) return 'a strategy without a subscriptions array';
  for (const subscription of candidate.subscriptions as unknown[]) {
    const { instrumentId, barIntervalMs } = (subscription ?? {}) as Record<string, unknown>;
    if (typeof instrumentId !== 'string') return 'a subscription without an instrumentId';
    if (
      barIntervalMs !== undefined &&
      !(Number.isSafeInteger(barIntervalMs) && (barIntervalMs as number) >= 1)
    ) {
      return `a subscription to ${instrumentId} whose barIntervalMs is not a positive integer`;
    }
  }
  const notFunction = HANDLERS.find(
    (handler) => candidate[handler] !== undefined && typeof candidate[handler] !== 'function',
  );
  return notFunction === undefined ? undefined : `a strategy whose ${notFunction} is not a function`;
}
