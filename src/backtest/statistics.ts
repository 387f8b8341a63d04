import { Decimal } from '../domain/decimal.ts';
import { ValidationError } from '../resilience/errors.ts';
import type { BacktestStatistics, EquityPoint, FillRecord } from './results.ts';
import { closedTrades } from './round-trips.ts';

// The round trips are part of the statistics' surface; their matching lives apart to keep each file short.
export { closedTrades };

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;

/**
 * A backtest's statistics from its equity curve (in time order) and its fills.
 *
 * - totalReturn = end / start - 1, from the first and last equity points.
 * - annualizedReturn = (end / start)^(YEAR_MS / spanMs) - 1, YEAR_MS = 365 days, spanMs = last.time - first.time
 *   (0 for a span of 0; -1 when the equity ends at or below 0, as nothing is left to compound).
 * - Period returns: the curve sampled at the end of each `periodMs` bucket (default a day) counted from the first
 *   point, a bucket's value being the last point at or before its end; r_i = v_i / v_(i-1) - 1 with v_0 = start.
 * - volatility = sampleStdev(r) * sqrt(YEAR_MS / periodMs), the stdev dividing by n - 1 (0 below 2 returns).
 * - sharpe = mean(r) / sampleStdev(r) * sqrt(YEAR_MS / periodMs), risk-free rate 0 (0 when the stdev is 0).
 * - sortino = mean(r) / sqrt(sum(min(r, 0)^2) / n) * sqrt(YEAR_MS / periodMs) (0 when that deviation is 0).
 * - maxDrawdown = max over the raw points of (peak - value) / peak, peak the highest value so far;
 *   maxDrawdownDurationMs = the longest time from the last time at a peak to the first point back at or above it,
 *   or to the last point if it never was.
 * - trades, winRate = trades with pnl > 0 / trades, profitFactor = sum(pnl > 0) / |sum(pnl < 0)|, over the round
 *   trips of `closedTrades` (profitFactor Infinity with wins and no loss, 0 with no win).
 * - fees = sum of every fill's fee; turnover = sum of price * quantity over every fill (both exact decimal text).
 */
export function computeStatistics(input: {
  equity: readonly EquityPoint[];
  fills: readonly FillRecord[];
  periodMs?: number;
}): BacktestStatistics {
  const { equity, fills, periodMs = DAY_MS } = input;
  const first = equity[0];
  const last = equity.at(-1);
  if (first === undefined || last === undefined) {
    throw new ValidationError('the equity curve is empty: statistics need at least one point');
  }
  if (!(first.equity > 0)) {
    throw new ValidationError(`the start equity is ${first.equity}: returns need a positive start`);
  }
  if (!(periodMs > 0)) throw new ValidationError(`the return period is ${periodMs} ms: it must be positive`);

  const spanMs = last.time - first.time;
  const growth = last.equity / first.equity;
  const annualize = Math.sqrt(YEAR_MS / periodMs);
  const returns = periodReturns(equity, first, periodMs, Math.ceil(spanMs / periodMs));
  const mean = average(returns);
  const stdev =
    returns.length < 2
      ? 0
      : Math.sqrt(returns.reduce((sum, r) => sum + (r - mean) ** 2, 0) / (returns.length - 1));
  const downside = Math.sqrt(average(returns.map((r) => Math.min(r, 0) ** 2)));
  return {
    startEquity: first.equity,
    endEquity: last.equity,
    totalReturn: growth - 1,
    annualizedReturn: spanMs === 0 ? 0 : Math.max(growth, 0) ** (YEAR_MS / spanMs) - 1,
    volatility: stdev * annualize,
    sharpe: stdev === 0 ? 0 : (mean / stdev) * annualize,
    sortino: downside === 0 ? 0 : (mean / downside) * annualize,
    ...drawdowns(equity, first, last),
    ...tradeStatistics(fills),
  };
}

function average(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function periodReturns(
  equity: readonly EquityPoint[],
  first: EquityPoint,
  periodMs: number,
  buckets: number,
): number[] {
  const returns: number[] = [];
  let previous = first.equity;
  let value = first.equity;
  let cursor = 0;
  for (let bucket = 1; bucket <= buckets; bucket++) {
    // Multiplied rather than accumulated, so that a fractional period cannot drift the bucket ends.
    const end = first.time + bucket * periodMs;
    for (let point = equity[cursor]; point !== undefined && point.time <= end; point = equity[++cursor]) {
      value = point.equity;
    }
    returns.push(value / previous - 1);
    previous = value;
  }
  return returns;
}

function drawdowns(
  equity: readonly EquityPoint[],
  first: EquityPoint,
  last: EquityPoint,
): Pick<BacktestStatistics, 'maxDrawdown' | 'maxDrawdownDurationMs'> {
  let peak = first;
  let underwater = false;
  let maxDrawdown = 0;
  let maxDrawdownDurationMs = 0;
  for (const point of equity) {
    if (point.equity >= peak.equity) {
      // Only a fall makes a drawdown: a curve that never dips has none, however far apart its points are.
      if (underwater) maxDrawdownDurationMs = Math.max(maxDrawdownDurationMs, point.time - peak.time);
      peak = point;
      underwater = false;
    } else {
      underwater = true;
      maxDrawdown = Math.max(maxDrawdown, (peak.equity - point.equity) / peak.equity);
    }
  }
  if (underwater) maxDrawdownDurationMs = Math.max(maxDrawdownDurationMs, last.time - peak.time);
  return { maxDrawdown, maxDrawdownDurationMs };
}

function tradeStatistics(
  fills: readonly FillRecord[],
): Pick<BacktestStatistics, 'trades' | 'winRate' | 'profitFactor' | 'fees' | 'turnover'> {
  const trades = closedTrades(fills);
  let wins = 0;
  let profit = Decimal.zero();
  let loss = Decimal.zero();
  for (const trade of trades) {
    const pnl = Decimal.parse(trade.pnl);
    if (pnl.sign > 0) {
      wins++;
      profit = profit.add(pnl);
    } else {
      loss = loss.sub(pnl);
    }
  }
  let fees = Decimal.zero();
  let turnover = Decimal.zero();
  for (const fill of fills) {
    fees = fees.add(Decimal.parse(fill.fee, 'fill fee'));
    turnover = turnover.add(
      Decimal.parse(fill.price, 'fill price').mul(Decimal.parse(fill.quantity, 'fill quantity')),
    );
  }
  return {
    trades: trades.length,
    winRate: trades.length === 0 ? 0 : wins / trades.length,
    profitFactor: profit.isZero()
      ? 0
      : loss.isZero()
        ? Infinity
        : Number(profit.toString()) / Number(loss.toString()),
    fees: fees.toString(),
    turnover: turnover.toString(),
  };
}
