import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/engine.ts';
import type { BacktestSpec } from '../../src/backtest/spec.ts';
import { sweepCombinations } from '../../src/backtest/sweep.ts';
import { runSweep } from '../../src/backtest/sweep-pool.ts';
import { writeResults } from '../../src/backtest/write-results.ts';
import { ValidationError } from '../../src/resilience/errors.ts';
import { tempDir } from '../support/temp-dir.ts';

const ETH_TRADES = 'samples/ETHUSDT.SIM-trades.jsonl';
const START = Date.UTC(2026, 0, 5);
/** The first 40 minutes of the sample: enough for a few dozen round trips, quick to replay. */
const SPEC: BacktestSpec = {
  data: [ETH_TRADES],
  strategy: 'ma-crossover',
  params: { fast: 3, slow: 8 },
  to: START + 40 * 60_000,
};

describe('backtest engine', () => {
  const dir = tempDir('backtest-engine');
  afterAll(() => dir.remove());

  it('gives byte-identical results for the same data, strategy, parameters and seed', async () => {
    const first = await runBacktest(SPEC);
    const second = await runBacktest(SPEC);
    const a = await writeResults(join(dir.path, 'a'), first);
    const b = await writeResults(join(dir.path, 'b'), second);
    expect(a.map((file) => file.split('/').at(-1)).sort()).toEqual(readdirSync(join(dir.path, 'a')).sort());
    for (let i = 0; i < a.length; i += 1) {
      expect(readFileSync(b[i] as string, 'utf8'), `${b[i]}`).toBe(readFileSync(a[i] as string, 'utf8'));
    }
    expect(first.fills.length).toBeGreaterThan(10);
    expect(first.orders.every((order) => order.status === 'FILLED')).toBe(true);
    expect(first.fills.every((fill) => fill.time >= START && fill.time <= (SPEC.to as number) + 1000)).toBe(
      true,
    );
    const other = await runBacktest({ ...SPEC, params: { fast: 4, slow: 8 } });
    expect(other.fills).not.toEqual(first.fills);
  }, 120_000);

  it('keeps the books straight: equity is the start plus every fill’s cash flow plus the position marked', async () => {
    const result = await runBacktest(SPEC);
    let cash = result.statistics.startEquity;
    let position = 0;
    for (const fill of result.fills) {
      const notional = Number(fill.price) * Number(fill.quantity);
      cash += fill.side === 'BUY' ? -notional - Number(fill.fee) : notional - Number(fill.fee);
      position += fill.side === 'BUY' ? Number(fill.quantity) : -Number(fill.quantity);
    }
    const [held] = result.positions;
    expect(Number(held?.quantity ?? 0)).toBeCloseTo(position, 9);
    expect(result.statistics.endEquity).toBeCloseTo(cash + position * Number(held?.markPrice ?? 0), 4);
    expect(result.equity.at(-1)?.time).toBe(result.endTime);
    const fees = result.fills.reduce((sum, fill) => sum + Number(fill.fee), 0);
    expect(Number(result.statistics.fees)).toBeCloseTo(fees, 8);
  }, 60_000);

  it("runs a sweep's combinations on the pool with the same results as single runs", async () => {
    const combinations = sweepCombinations([
      { name: 'fast', values: [3, 5] },
      { name: 'slow', values: [8] },
    ]);
    const rows = await runSweep(SPEC, combinations, { threads: 2 });
    expect(rows).toHaveLength(2);
    for (const [i, combination] of combinations.entries()) {
      const single = await runBacktest({ ...SPEC, params: { ...SPEC.params, ...combination } });
      const row = rows[i];
      expect(row?.params).toMatchObject(combination);
      expect(row?.statistics).toEqual(single.statistics);
      expect(row?.fills).toBe(single.fills.length);
      expect(row?.events).toBe(single.events);
    }
  }, 120_000);

  it('refuses bad input before replaying anything, saying what is wrong', async () => {
    const unknown = runBacktest({ ...SPEC, strategy: 'no-such-strategy' });
    await expect(unknown).rejects.toThrow(/unknown strategy 'no-such-strategy': builtins are .*market-maker/);
    await expect(unknown).rejects.toThrow(/builtins are .*ma-crossover/);
    await expect(runBacktest({ ...SPEC, params: { fast: 9, slow: 8 } })).rejects.toThrow(
      /fast \(9\) must be shorter than slow \(8\)/,
    );
    await expect(runBacktest({ ...SPEC, data: ['samples/none.jsonl'] })).rejects.toThrow(
      /samples\/none.jsonl does not exist/,
    );
    await expect(runBacktest({ ...SPEC, from: START + 10 * 86_400_000 })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('stops at a malformed line naming the file and line, or skips and counts it with skipBadLines', async () => {
    const lines = readFileSync(ETH_TRADES, 'utf8').split('\n').slice(0, 400);
    lines[99] = '{"instrumentId":"ETHUSDT.SIM","ts":"soon"}';
    const file = join(dir.path, 'bad.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    await expect(runBacktest({ ...SPEC, data: [file] })).rejects.toThrow(`${file}:100`);
    const skipped = await runBacktest({ ...SPEC, data: [file], skipBadLines: true });
    expect(skipped.skipped).toEqual({ [file]: 1 });
    expect(skipped.events).toBe(399);
  }, 60_000);

  it('replays bars as the four trades each is known to hold, trading on the bar prices', async () => {
    const bars = 'samples/BTCUSDT.SIM-bars-1m.csv';
    const lines = readFileSync(bars, 'utf8').trim().split('\n').slice(1, 361);
    const result = await runBacktest({
      data: [bars],
      strategy: 'ma-crossover',
      params: { instrumentId: 'BTCUSDT.SIM', barIntervalMs: 300_000, fast: 3, slow: 8, size: '0.100' },
      to: START + 6 * 3_600_000 - 1,
    });
    expect(result.events).toBe(4 * lines.length);
    expect(result.fills.length).toBeGreaterThan(3);
    // A trades-only market is a tick either side of the last trade: a fill is a bar price one tick worse.
    const prices = new Set(lines.flatMap((line) => line.split(',').slice(3, 7)));
    for (const fill of result.fills) {
      const traded = (Number(fill.price) + (fill.side === 'BUY' ? -0.01 : 0.01)).toFixed(2);
      expect(prices, `${fill.side} at ${fill.price}`).toContain(traded);
    }
  }, 60_000);
});
