import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BacktestStatistics } from '../../src/backtest/results.ts';
import {
  formatSweepTable,
  parseSweep,
  SWEEP_STATISTICS,
  type SweepRow,
  sortRows,
  sweepCombinations,
} from '../../src/backtest/sweep.ts';
import { ValidationError } from '../../src/resilience/errors.ts';

const statistics = (overrides: Partial<BacktestStatistics> = {}): BacktestStatistics => ({
  startEquity: 10_000,
  endEquity: 10_000,
  totalReturn: 0,
  annualizedReturn: 0,
  volatility: 0,
  sharpe: 0,
  sortino: 0,
  maxDrawdown: 0,
  maxDrawdownDurationMs: 0,
  trades: 0,
  winRate: 0,
  profitFactor: 0,
  fees: '0',
  turnover: '0',
  ...overrides,
});

const row = (params: Record<string, unknown>, overrides: Partial<BacktestStatistics> = {}): SweepRow => ({
  params,
  statistics: statistics(overrides),
  events: 100,
  fills: 0,
  orders: 0,
});

const valuesOf = (expression: string) => parseSweep(expression).map((axis) => axis.values);

describe('parseSweep', () => {
  it('reads ranges, with the end included when the steps land on it', () => {
    expect(parseSweep('fast=5..20:5,slow=20..60:10')).toEqual([
      { name: 'fast', values: [5, 10, 15, 20] },
      { name: 'slow', values: [20, 30, 40, 50, 60] },
    ]);
    expect(valuesOf('x=1..9:3')).toEqual([[1, 4, 7]]);
    expect(valuesOf('x=-2..2:2')).toEqual([[-2, 0, 2]]);
  });

  it('steps by 1 by default', () => {
    expect(valuesOf('x=1..4')).toEqual([[1, 2, 3, 4]]);
    expect(valuesOf('x=3..3')).toEqual([[3]]);
  });

  it('steps decimals without floating point drift', () => {
    expect(valuesOf('x=0.1..0.3:0.1')).toEqual([[0.1, 0.2, 0.3]]);
    expect(valuesOf('x=0..1:0.25')).toEqual([[0, 0.25, 0.5, 0.75, 1]]);
    expect(valuesOf('x=1..1.3:0.1')).toEqual([[1, 1.1, 1.2, 1.3]]);
    expect(valuesOf('x=-0.3..0:0.1')).toEqual([[-0.3, -0.2, -0.1, 0]]);
  });

  it('reads lists and single values', () => {
    expect(valuesOf('x=3|1|2.5')).toEqual([[3, 1, 2.5]]);
    expect(valuesOf('x=7')).toEqual([[7]]);
  });

  it('allows spaces around names, values and separators', () => {
    expect(parseSweep(' fast = 5..10 : 5 , slow = 1 | 2 ')).toEqual([
      { name: 'fast', values: [5, 10] },
      { name: 'slow', values: [1, 2] },
    ]);
  });

  it.each([
    ['', 'sweep expression is empty; expected name=start..end[:step] or name=v1|v2|...'],
    ['   ', 'sweep expression is empty; expected name=start..end[:step] or name=v1|v2|...'],
    [
      'a=1,,b=2',
      "sweep 'a=1,,b=2' has an empty parameter; expected name=start..end[:step] or name=v1|v2|...",
    ],
    [
      'fast5..20',
      "sweep parameter 'fast5..20' has no '='; expected name=start..end[:step] or name=v1|v2|...",
    ],
    [
      '5fast=1..2',
      "sweep parameter name '5fast' in '5fast=1..2' is not valid: letters, digits and _, not starting with a digit",
    ],
    [
      '=1..2',
      "sweep parameter name '' in '=1..2' is not valid: letters, digits and _, not starting with a digit",
    ],
    ['fast=a..5', "sweep value 'a' in 'fast=a..5' is not a number (like 5, -2 or 0.25)"],
    ['fast=1..5e2', "sweep value '5e2' in 'fast=1..5e2' is not a number (like 5, -2 or 0.25)"],
    ['fast=1..5:x', "sweep value 'x' in 'fast=1..5:x' is not a number (like 5, -2 or 0.25)"],
    ['fast=1|two', "sweep value 'two' in 'fast=1|two' is not a number (like 5, -2 or 0.25)"],
    ['fast=', "sweep value '' in 'fast=' is not a number (like 5, -2 or 0.25)"],
    ['fast=1..2..3', "sweep range 'fast=1..2..3' is not start..end[:step]"],
    ['fast=1..5:0', "sweep step '0' in 'fast=1..5:0' must be greater than 0"],
    ['fast=1..5:-1', "sweep step '-1' in 'fast=1..5:-1' must be greater than 0"],
    ['fast=5..1', "sweep range 'fast=5..1' starts after it ends (5 > 1)"],
    ['fast=1,fast=2', "sweep parameter 'fast' is given twice (again in 'fast=2')"],
    ['fast=1|2|1', "sweep value '1' is listed twice in 'fast=1|2|1'"],
    ['x=0..1:0.0000000000000001', "sweep 'x=0..1:0.0000000000000001' has too many digits to step exactly"],
    ['x=1..20000', "sweep range 'x=1..20000' has 20000 values; at most 10000 combinations are allowed"],
    [
      'a=1..200,b=1..100',
      "sweep 'a=1..200,b=1..100' makes 20000 combinations or more; at most 10000 combinations are allowed",
    ],
  ])('rejects %j', (expression, message) => {
    expect(() => parseSweep(expression)).toThrow(ValidationError);
    expect(() => parseSweep(expression)).toThrow(message);
  });

  it('allows exactly the cap', () => {
    expect(sweepCombinations(parseSweep('a=1..100,b=1..100'))).toHaveLength(10_000);
  });
});

describe('sweepCombinations', () => {
  it('runs the first axis outermost', () => {
    expect(sweepCombinations(parseSweep('a=1|2,b=10..30:10'))).toEqual([
      { a: 1, b: 10 },
      { a: 1, b: 20 },
      { a: 1, b: 30 },
      { a: 2, b: 10 },
      { a: 2, b: 20 },
      { a: 2, b: 30 },
    ]);
  });

  it('gives the example sweep its 20 combinations', () => {
    const combinations = sweepCombinations(parseSweep('fast=5..20:5,slow=20..60:10'));
    expect(combinations).toHaveLength(20);
    expect(combinations[0]).toEqual({ fast: 5, slow: 20 });
    expect(combinations[19]).toEqual({ fast: 20, slow: 60 });
  });

  // Ranges are written in hundredths so that the expected values are known exactly.
  const range = fc
    .record({
      start: fc.integer({ min: -500, max: 500 }),
      step: fc.integer({ min: 1, max: 50 }),
      count: fc.integer({ min: 1, max: 6 }),
    })
    .map(({ start, step, count }) => ({
      text: `${hundredths(start)}..${hundredths(start + (count - 1) * step)}:${hundredths(step)}`,
      values: Array.from({ length: count }, (_, index) => Number(hundredths(start + index * step))),
    }));
  const list = fc
    .uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 6 })
    .map((values) => ({ text: values.join('|'), values }));
  const sweep = fc.uniqueArray(
    fc.record({ name: fc.stringMatching(/^[a-z][A-Za-z0-9_]{0,7}$/), axis: fc.oneof(range, list) }),
    { minLength: 1, maxLength: 4, selector: (entry) => entry.name },
  );

  it('makes as many distinct combinations as the product of the axis lengths', () => {
    fc.assert(
      fc.property(sweep, (entries) => {
        const axes = parseSweep(entries.map(({ name, axis }) => `${name}=${axis.text}`).join(','));
        expect(axes.map((axis) => axis.values)).toEqual(entries.map(({ axis }) => axis.values));
        const combinations = sweepCombinations(axes);
        expect(combinations).toHaveLength(axes.reduce((product, axis) => product * axis.values.length, 1));
        expect(new Set(combinations.map((combination) => JSON.stringify(combination))).size).toBe(
          combinations.length,
        );
        for (const combination of combinations)
          expect(Object.keys(combination)).toEqual(entries.map((entry) => entry.name));
      }),
    );
  });
});

function hundredths(units: number): string {
  return (units / 100).toFixed(2);
}

describe('SWEEP_STATISTICS', () => {
  it('holds the numeric statistics only', () => {
    expect(SWEEP_STATISTICS).toEqual([
      'startEquity',
      'endEquity',
      'totalReturn',
      'annualizedReturn',
      'volatility',
      'sharpe',
      'sortino',
      'maxDrawdown',
      'maxDrawdownDurationMs',
      'trades',
      'winRate',
      'profitFactor',
    ]);
  });
});

describe('sortRows', () => {
  const rows = [
    row({ id: 'a' }, { sharpe: 1, maxDrawdown: 0.3 }),
    row({ id: 'b' }, { sharpe: Number.NaN, maxDrawdown: 0.1 }),
    row({ id: 'c' }, { sharpe: 3, maxDrawdown: Number.NaN }),
    row({ id: 'd' }, { sharpe: undefined as unknown as number, maxDrawdown: 0.2 }),
    row({ id: 'e' }, { sharpe: 2, maxDrawdown: 0.1 }),
  ];
  const ids = (sorted: SweepRow[]) => sorted.map((entry) => entry.params.id);

  it('puts the best first by default (the highest sharpe, the lowest drawdown), with NaN and missing values last', () => {
    expect(ids(sortRows(rows))).toEqual(['c', 'e', 'a', 'b', 'd']);
    expect(ids(sortRows(rows, 'maxDrawdown'))).toEqual(['b', 'e', 'd', 'a', 'c']);
  });

  it('sorts ascending with NaN still last, and keeps ties in their order', () => {
    expect(ids(sortRows(rows, 'sharpe', 'asc'))).toEqual(['a', 'e', 'c', 'b', 'd']);
    expect(ids(sortRows(rows, 'maxDrawdown', 'asc'))).toEqual(['b', 'e', 'd', 'a', 'c']);
  });

  it('ranks infinities as numbers', () => {
    const factors = [
      row({ id: 'a' }, { profitFactor: 2 }),
      row({ id: 'b' }, { profitFactor: Number.POSITIVE_INFINITY }),
    ];
    expect(ids(sortRows(factors, 'profitFactor'))).toEqual(['b', 'a']);
  });

  it('leaves the rows it is given in their order', () => {
    sortRows(rows);
    expect(ids(rows)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('formatSweepTable', () => {
  const rows = [
    row(
      { fast: 5, slow: 20 },
      { totalReturn: 0.12345, sharpe: 1.23456, maxDrawdown: 0.05, trades: 12, winRate: 0.5 },
    ),
    row(
      { fast: 10, slow: 0.5 },
      { totalReturn: -0.000001, sharpe: Number.NaN, maxDrawdown: 0.25, trades: 3, winRate: 1 },
    ),
  ];

  it('shows the parameters, then the standard statistics', () => {
    expect(formatSweepTable(rows, ['fast', 'slow'], 'sharpe')).toBe(
      [
        '| fast | slow | totalReturn | sharpe | maxDrawdown | trades | winRate |',
        '|------|------|------------:|-------:|------------:|-------:|--------:|',
        '| 5    | 20   |      12.35% |  1.235 |       5.00% |     12 |  50.00% |',
        '| 10   | 0.5  |       0.00% |    n/a |      25.00% |      3 | 100.00% |',
      ].join('\n'),
    );
  });

  it('adds the sort statistic when it is not among them', () => {
    const factors = [
      row({ x: 1 }, { profitFactor: Number.POSITIVE_INFINITY }),
      row({ x: 2 }, { profitFactor: 1.5 }),
    ];
    expect(formatSweepTable(factors, ['x'], 'profitFactor')).toBe(
      [
        '| x   | totalReturn | sharpe | maxDrawdown | trades | winRate | profitFactor |',
        '|-----|------------:|-------:|------------:|-------:|--------:|-------------:|',
        '| 1   |       0.00% |  0.000 |       0.00% |      0 |   0.00% |          inf |',
        '| 2   |       0.00% |  0.000 |       0.00% |      0 |   0.00% |        1.500 |',
      ].join('\n'),
    );
  });

  it('gives a header alone for no rows', () => {
    expect(formatSweepTable([], ['fast'], 'sharpe').split('\n')).toHaveLength(2);
  });
});
