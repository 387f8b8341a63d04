import { describe, expect, it } from 'vitest';
import { settingsOf } from '../../actors/strategy-host/input.ts';
import {
  createStrategy,
  isModuleReference,
  loadStrategyFactory,
} from '../../actors/strategy-host/load-strategy.ts';
import { btcSpec } from '../fixtures/instruments.ts';

const fixture = (name: string) => new URL(`../fixtures/strategies/${name}`, import.meta.url);
const mmParams = {
  instrumentId: 'BTCUSDT.SIM',
  size: '1',
  halfSpreadTicks: 1,
  requoteTicks: 1,
  maxPosition: '1',
};

describe('loading a strategy', () => {
  it('tells builtin names from modules', () => {
    expect(isModuleReference('market-maker')).toBe(false);
    for (const name of ['file:///x/s.js', '/x/s.ts', './s.mjs', '../s', 'strategies/mine.ts']) {
      expect(isModuleReference(name)).toBe(true);
    }
  });

  it('resolves builtins, and modules by file URL or path', async () => {
    expect(
      createStrategy('market-maker', await loadStrategyFactory('market-maker'), mmParams).subscriptions,
    ).toEqual([{ instrumentId: mmParams.instrumentId, quotes: true }]);
    const params = { instrumentId: 'BTCUSDT.SIM', crashAtBid: '1.00' };
    const byUrl = await loadStrategyFactory(fixture('crash-on-tick.ts').href);
    expect(createStrategy('crash', byUrl, params).subscriptions).toEqual([
      { instrumentId: 'BTCUSDT.SIM', quotes: true },
    ]);
    await expect(loadStrategyFactory(fixture('crash-on-tick.ts').pathname)).resolves.toBe(byUrl);
  });

  it('refuses what is not a strategy, saying why', async () => {
    await expect(loadStrategyFactory('market-taker')).rejects.toThrow(/unknown strategy 'market-taker'/);
    await expect(loadStrategyFactory(fixture('no-factory.ts').href)).rejects.toThrow(
      /exports no strategy factory/,
    );
    await expect(loadStrategyFactory(fixture('missing.ts').href)).rejects.toThrow(/could not be loaded/);
    expect(() => createStrategy('x', () => ({}) as never, {})).toThrow(/without a subscriptions array/);
    expect(() =>
      createStrategy('x', () => ({ subscriptions: [{ instrumentId: 'A.B', barIntervalMs: 0 }] }), {}),
    ).toThrow(/barIntervalMs is not a positive integer/);
    expect(() => createStrategy('x', () => ({ subscriptions: [], onTick: 3 }) as never, {})).toThrow(
      /onTick is not a function/,
    );
    expect(() =>
      createStrategy(
        'x',
        () => {
          throw new Error('size is required');
        },
        {},
      ),
    ).toThrow(/strategy 'x' refused its params: size is required/);
  });
});

describe('the host input', () => {
  it('fills in defaults', () => {
    expect(settingsOf({ strategy: 'market-maker', params: mmParams, instruments: [btcSpec] }, 'mm')).toEqual({
      strategyId: 'mm',
      strategy: 'market-maker',
      params: mmParams,
      instruments: [btcSpec],
      riskId: 'risk',
      marketDataId: 'market-data',
    });
  });

  it('refuses bad input with a clear reason', () => {
    expect(() => settingsOf(undefined, 'h')).toThrow(/input must be an object/);
    expect(() => settingsOf({ instruments: [] }, 'h')).toThrow(/strategy must be a builtin name/);
    expect(() => settingsOf({ strategy: 'market-maker', params: mmParams }, 'h')).toThrow(
      /instruments must be/,
    );
    expect(() =>
      settingsOf(
        { strategy: 'market-maker', params: mmParams, instruments: [{ ...btcSpec, tickSize: '0' }] },
        'h',
      ),
    ).toThrow(/tickSize 0 must be positive/);
    expect(() => settingsOf({ strategy: 'market-maker', params: {}, instruments: [] }, 'h')).toThrow(
      /market-maker: param 'instrumentId' is required/,
    );
    expect(() => settingsOf({ strategy: './mine.ts', instruments: [], riskId: '' }, 'h')).toThrow(/riskId/);
  });
});
