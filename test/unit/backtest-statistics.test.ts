import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EquityPoint, FillRecord } from '../../src/backtest/results.ts';
import { closedTrades, computeStatistics } from '../../src/backtest/statistics.ts';
import { Decimal } from '../../src/domain/decimal.ts';

const DAY = 86_400_000;

const curve = (...values: number[]): EquityPoint[] =>
  values.map((equity, day) => ({ time: day * DAY, equity }));

let orderCount = 0;
const fill = (
  time: number,
  side: 'BUY' | 'SELL',
  quantity: string,
  price: string,
  fee: string,
  instrumentId = 'BTCUSDT.SIM',
): FillRecord => ({ time, clientOrderId: `c-${++orderCount}`, instrumentId, side, quantity, price, fee });

const sum = (texts: readonly string[]) =>
  texts.reduce((total, text) => total.add(Decimal.parse(text)), Decimal.zero());

describe('backtest statistics on a hand-worked curve', () => {
  // Equity 100, 110, 99, 121 at days 0..3; daily buckets end at days 1, 2, 3.
  // Returns: 110/100 - 1 = 0.1, 99/110 - 1 = -0.1, 121/99 - 1 = 2/9.
  // mean = (0.1 - 0.1 + 2/9) / 3 = 2/27.
  // Deviations from the mean, in 270ths: 27 - 20 = 7, -27 - 20 = -47, 60 - 20 = 40;
  // squares 49 + 2209 + 1600 = 3858, so sample variance = 3858 / 270^2 / 2 = 1929 / 72900, stdev = sqrt(1929) / 270.
  // volatility = sqrt(1929) / 270 * sqrt(365) ≈ 3.1078.
  // sharpe = (2/27) / (sqrt(1929) / 270) * sqrt(365) = 20 / sqrt(1929) * sqrt(365) = 20 * sqrt(365 / 1929) ≈ 8.6998.
  // Downside deviation = sqrt(((-0.1)^2) / 3) = sqrt(1/300); sortino = (2/27) * sqrt(300) * sqrt(365)
  //   = (2/27) * sqrt(109500) ≈ 24.512.
  // totalReturn = 121/100 - 1 = 0.21; annualized over 3 days = 1.21^(365/3) - 1 ≈ 1.18e10.
  // maxDrawdown: peak 110 (day 1) to 99 (day 2) = 11/110 = 0.1. Its duration runs from the peak's time (day 1) to
  // the first point back at or above 110 (121 at day 3): 2 days.
  const stats = computeStatistics({ equity: curve(100, 110, 99, 121), fills: [] });

  it('has the returns and ratios worked out by hand', () => {
    expect(stats.startEquity).toBe(100);
    expect(stats.endEquity).toBe(121);
    expect(stats.totalReturn).toBeCloseTo(0.21, 12);
    expect(stats.annualizedReturn / (1.21 ** (365 / 3) - 1)).toBeCloseTo(1, 12);
    expect(stats.volatility).toBeCloseTo((Math.sqrt(1929) / 270) * Math.sqrt(365), 12);
    expect(stats.volatility).toBeCloseTo(3.1078, 4);
    expect(stats.sharpe).toBeCloseTo(20 * Math.sqrt(365 / 1929), 12);
    expect(stats.sharpe).toBeCloseTo(8.6998, 4);
    expect(stats.sortino).toBeCloseTo((2 / 27) * Math.sqrt(109_500), 12);
    expect(stats.sortino).toBeCloseTo(24.512, 3);
    expect(stats.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(stats.maxDrawdownDurationMs).toBe(2 * DAY);
  });

  it('samples each bucket at its last point, so intraday points and gaps do not add returns', () => {
    // The same days with moves inside them (the 12:00 points) and a 2-day gap at the end: day 3's bucket has no
    // point and keeps day 2's value (a return of 0), day 4's takes 121.
    const equity = [
      { time: 0, equity: 100 },
      { time: DAY / 2, equity: 50 },
      { time: DAY, equity: 110 },
      { time: 1.5 * DAY, equity: 105 },
      { time: 2 * DAY, equity: 99 },
      { time: 4 * DAY, equity: 121 },
    ];
    const returns = [0.1, -0.1, 0, 2 / 9];
    const mean = 2 / 9 / 4;
    const stdev = Math.sqrt(returns.reduce((s, r) => s + (r - mean) ** 2, 0) / 3);
    const result = computeStatistics({ equity, fills: [] });
    expect(result.sharpe).toBeCloseTo((mean / stdev) * Math.sqrt(365), 12);
    // The raw points do count for the drawdown: 100 to 50 at 12:00 on day 0, back at day 1. The longest is from
    // 110 at day 1 (down to 105, then 99) to 121 at day 4: 3 days.
    expect(result.maxDrawdown).toBe(0.5);
    expect(result.maxDrawdownDurationMs).toBe(3 * DAY);
  });

  it('counts an unrecovered drawdown to the last point, and from the last time at the peak', () => {
    const result = computeStatistics({ equity: curve(100, 120, 120, 90, 100), fills: [] });
    expect(result.maxDrawdown).toBeCloseTo(0.25, 12);
    expect(result.maxDrawdownDurationMs).toBe(2 * DAY);
  });

  it('takes a shorter return period, annualized by the periods in a year', () => {
    const hourly = computeStatistics({ equity: curve(100, 110, 99, 121), fills: [], periodMs: DAY / 24 });
    // The hourly buckets see the same three moves plus 69 returns of 0.
    const returns = [0.1, -0.1, 2 / 9, ...Array<number>(69).fill(0)];
    const mean = 2 / 9 / 72;
    const stdev = Math.sqrt(returns.reduce((s, r) => s + (r - mean) ** 2, 0) / 71);
    expect(hourly.sharpe).toBeCloseTo((mean / stdev) * Math.sqrt(365 * 24), 12);
  });

  it('reports zeros for a single point and for a flat curve', () => {
    for (const equity of [curve(100), curve(100, 100, 100)]) {
      expect(computeStatistics({ equity, fills: [] })).toMatchObject({
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
      });
    }
  });

  it('refuses an empty curve and a start equity that is not positive', () => {
    expect(() => computeStatistics({ equity: [], fills: [] })).toThrow(/equity curve is empty/);
    expect(() => computeStatistics({ equity: curve(0, 10), fills: [] })).toThrow(/start equity is 0/);
    expect(() => computeStatistics({ equity: curve(-5), fills: [] })).toThrow(/start equity is -5/);
    expect(() => computeStatistics({ equity: curve(1), fills: [], periodMs: 0 })).toThrow(/return period/);
  });
});

describe('closed trades', () => {
  it('closes a long round trip, net of both fees', () => {
    const trades = closedTrades([fill(1, 'BUY', '2', '100', '0.2'), fill(2, 'SELL', '2', '110', '0.22')]);
    // (110 - 100) * 2 = 20, less 0.2 + 0.22.
    expect(trades).toEqual([
      {
        instrumentId: 'BTCUSDT.SIM',
        direction: 'LONG',
        entryTime: 1,
        exitTime: 2,
        quantity: '2',
        entryPrice: '100',
        exitPrice: '110',
        pnl: '19.58',
        fees: '0.42',
      },
    ]);
  });

  it('closes part of a lot with its share of the entry fee, and the rest later with the remainder', () => {
    const trades = closedTrades([
      fill(1, 'BUY', '3', '100', '0.3'),
      fill(2, 'SELL', '1', '105', '0.1'),
      fill(3, 'SELL', '2', '90', '0.2'),
    ]);
    // 1 of 3 carries 0.1 of the entry fee: 5 - 0.1 - 0.1 = 4.8. The other 2 carry 0.2: -20 - 0.2 - 0.2 = -20.4.
    expect(trades.map((t) => [t.quantity, t.entryTime, t.exitTime, t.pnl, t.fees])).toEqual([
      ['1', 1, 2, '4.8', '0.2'],
      ['2', 1, 3, '-20.4', '0.4'],
    ]);
  });

  it('rounds a share that does not end, and the shares still add up to the fee exactly', () => {
    const trades = closedTrades([
      fill(1, 'BUY', '3', '10', '0.1'),
      fill(2, 'SELL', '1', '10', '0'),
      fill(3, 'SELL', '1', '10', '0'),
      fill(4, 'SELL', '1', '10', '0'),
    ]);
    // Running totals 0.1/3 and 0.2/3 rounded to 9 places (the fee's 1 + 8): 0.033333333 and 0.066666667.
    expect(trades.map((t) => t.fees)).toEqual(['0.033333333', '0.033333334', '0.033333333']);
    expect(sum(trades.map((t) => t.fees)).toString()).toBe('0.100000000');
    expect(sum(trades.map((t) => t.pnl)).eq(Decimal.parse('-0.1'))).toBe(true);
  });

  it('flips from long to short: closes the lots oldest first, then opens a short with the rest', () => {
    const trades = closedTrades([
      fill(1, 'BUY', '1', '100', '0.1'),
      fill(2, 'BUY', '1', '102', '0.1'),
      fill(3, 'SELL', '3', '105', '0.3'),
      fill(4, 'BUY', '1', '101', '0.1'),
    ]);
    // The sell of 3 pays 0.1 per unit: 0.1 to each long lot, 0.1 to the short it opens.
    expect(
      trades.map((t) => [t.direction, t.entryTime, t.exitTime, t.entryPrice, t.exitPrice, t.pnl]),
    ).toEqual([
      ['LONG', 1, 3, '100', '105', '4.8'],
      ['LONG', 2, 3, '102', '105', '2.8'],
      ['SHORT', 3, 4, '105', '101', '3.8'],
    ]);
  });

  it('closes a short round trip: profit when the price falls', () => {
    const trades = closedTrades([
      fill(1, 'SELL', '2.5', '50.10', '0.05'),
      fill(2, 'BUY', '2.5', '45.30', '0.04'),
    ]);
    // (50.10 - 45.30) * 2.5 = 12, less 0.09.
    expect(trades).toMatchObject([
      {
        direction: 'SHORT',
        quantity: '2.5',
        entryPrice: '50.10',
        exitPrice: '45.30',
        pnl: '11.91',
        fees: '0.09',
      },
    ]);
  });

  it('keeps instruments apart and takes ties in the order given', () => {
    const trades = closedTrades([
      fill(1, 'BUY', '1', '10', '0', 'A'),
      fill(1, 'SELL', '1', '20', '0', 'B'),
      fill(1, 'SELL', '1', '12', '0', 'A'),
      fill(2, 'BUY', '1', '15', '0', 'B'),
    ]);
    expect(trades.map((t) => [t.instrumentId, t.direction, t.pnl])).toEqual([
      ['A', 'LONG', '2'],
      ['B', 'SHORT', '5'],
    ]);
  });

  it('refuses a fill without quantity', () => {
    expect(() => closedTrades([fill(1, 'BUY', '0', '10', '0')])).toThrow(/not positive/);
  });
});

describe('trade statistics', () => {
  it('counts wins, profit factor, fees and turnover over the fills', () => {
    const fills = [
      fill(1, 'BUY', '1', '100', '0.1'), // closed at 110: 10 - 0.2 = 9.8
      fill(2, 'SELL', '1', '110', '0.1'),
      fill(3, 'SELL', '2', '50', '0.2', 'ETHUSDT.SIM'), // closed at 52: -4 - 0.4 = -4.4
      fill(4, 'BUY', '2', '52', '0.2', 'ETHUSDT.SIM'),
      fill(5, 'BUY', '0.5', '100', '0.05'), // closed at 104: 2 - 0.1 = 1.9
      fill(6, 'SELL', '0.5', '104', '0.05'),
      fill(7, 'BUY', '1', '120', '0.1'), // still open
    ];
    const stats = computeStatistics({ equity: curve(1000, 1010), fills });
    expect(stats.trades).toBe(3);
    expect(stats.winRate).toBeCloseTo(2 / 3, 12);
    // (9.8 + 1.9) / 4.4
    expect(stats.profitFactor).toBeCloseTo(11.7 / 4.4, 12);
    // 0.1 + 0.1 + 0.2 + 0.2 + 0.05 + 0.05 + 0.1
    expect(stats.fees).toBe('0.80');
    // 100 + 110 + 100 + 104 + 50 + 52 + 120
    expect(Decimal.parse(stats.turnover).eq(Decimal.of(636))).toBe(true);
  });

  it('has an infinite profit factor without a losing trade', () => {
    const fills = [fill(1, 'BUY', '1', '100', '0'), fill(2, 'SELL', '1', '101', '0')];
    expect(computeStatistics({ equity: curve(100), fills })).toMatchObject({
      winRate: 1,
      profitFactor: Infinity,
    });
  });
});

// Whole cents: distinct values stay far more than a rounding apart, so scaling keeps every comparison of them.
const equityValue = fc.integer({ min: 1, max: 100_000_000 }).map((cents) => cents / 100);
const equityCurve = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 72 }), equityValue), { minLength: 1, maxLength: 40 })
  .map((steps) => {
    let time = 1_700_000_000_000;
    return steps.map(([hours, equity]) => {
      time += hours * 3_600_000;
      return { time, equity };
    });
  });
const scaled = (equity: readonly EquityPoint[], factor: number) =>
  equity.map((point) => ({ ...point, equity: point.equity * factor }));
const near = (a: number, b: number) =>
  a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

describe('statistics properties', () => {
  it('every ratio is unchanged when the equity is scaled by a power of two (exact in binary floating point)', () => {
    fc.assert(
      fc.property(equityCurve, fc.integer({ min: -30, max: 30 }), (equity, exponent) => {
        const { startEquity, endEquity, ...ratios } = computeStatistics({ equity, fills: [] });
        const scaledStats = computeStatistics({ equity: scaled(equity, 2 ** exponent), fills: [] });
        expect(scaledStats).toEqual({
          ...ratios,
          startEquity: startEquity * 2 ** exponent,
          endEquity: endEquity * 2 ** exponent,
        });
      }),
    );
  });

  it('the ratios are unchanged, to rounding, when the equity is scaled by any positive constant', () => {
    // Sharpe and sortino are left out: on returns that are equal but for rounding (100, 110, 121), the stdev is
    // rounding noise, and so is their quotient.
    fc.assert(
      fc.property(equityCurve, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (equity, factor) => {
        const before = computeStatistics({ equity, fills: [] });
        const after = computeStatistics({ equity: scaled(equity, factor), fills: [] });
        expect(near(after.totalReturn, before.totalReturn)).toBe(true);
        expect(near(after.annualizedReturn, before.annualizedReturn)).toBe(true);
        expect(near(after.volatility, before.volatility)).toBe(true);
        expect(near(after.maxDrawdown, before.maxDrawdown)).toBe(true);
        expect(after.maxDrawdownDurationMs).toBe(before.maxDrawdownDurationMs);
      }),
    );
  });

  it('a curve that never falls has no drawdown', () => {
    fc.assert(
      fc.property(
        equityValue,
        fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { maxLength: 40 }),
        (start, rises) => {
          let previous = { time: 0, equity: start };
          const points = [previous];
          for (const rise of rises) {
            previous = { time: previous.time + DAY, equity: previous.equity + rise };
            points.push(previous);
          }
          const stats = computeStatistics({ equity: points, fills: [] });
          expect(stats.maxDrawdown).toBe(0);
          expect(stats.maxDrawdownDurationMs).toBe(0);
        },
      ),
    );
  });

  it('a positive curve draws down by a fraction in [0, 1)', () => {
    fc.assert(
      fc.property(equityCurve, (equity) => {
        const { maxDrawdown } = computeStatistics({ equity, fills: [] });
        expect(maxDrawdown).toBeGreaterThanOrEqual(0);
        expect(maxDrawdown).toBeLessThan(1);
      }),
    );
  });

  it('trades that end flat add up to sell proceeds less buy cost, and their fees to every fill fee', () => {
    const step = fc.record({
      instrumentId: fc.constantFrom('A', 'B'),
      units: fc.integer({ min: -50, max: 50 }).filter((units) => units !== 0),
      priceCents: fc.integer({ min: 1, max: 10_000_000 }),
      feeUnits: fc.integer({ min: 0, max: 10_000 }),
    });
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 30 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        (steps, closeCents) => {
          const net = new Map<string, number>();
          for (const { instrumentId, units } of steps)
            net.set(instrumentId, (net.get(instrumentId) ?? 0) + units);
          const flatten = [...net]
            .filter(([, units]) => units !== 0)
            .map(([instrumentId, units]) => ({
              instrumentId,
              units: -units,
              priceCents: closeCents,
              feeUnits: 7,
            }));
          const fills = [...steps, ...flatten].map(({ instrumentId, units, priceCents, feeUnits }, i) =>
            fill(
              i,
              units > 0 ? 'BUY' : 'SELL',
              Decimal.fromUnits(BigInt(Math.abs(units)), 3).toString(),
              Decimal.fromUnits(BigInt(priceCents), 2).toString(),
              Decimal.fromUnits(BigInt(feeUnits), 4).toString(),
              instrumentId,
            ),
          );
          let realized = Decimal.zero();
          for (const f of fills) {
            const notional = Decimal.parse(f.price).mul(Decimal.parse(f.quantity));
            realized = f.side === 'SELL' ? realized.add(notional) : realized.sub(notional);
          }
          const fees = sum(fills.map((f) => f.fee));
          const trades = closedTrades(fills);
          expect(sum(trades.map((t) => t.pnl)).eq(realized.sub(fees))).toBe(true);
          expect(sum(trades.map((t) => t.fees)).eq(fees)).toBe(true);
          expect(
            sum(trades.map((t) => t.pnl))
              .add(sum(trades.map((t) => t.fees)))
              .eq(realized),
          ).toBe(true);
        },
      ),
    );
  });
});
