/*
 * What a backtest produces, as the statistics and the report read it. Money amounts that come from fills stay
 * decimal text (exact); the equity curve and the ratios derived from it are numbers, as they are analytics, not
 * accounting.
 */

/** The account's value in its quote currency (cash plus positions marked at the last price) at a simulated time. */
export interface EquityPoint {
  /** Simulated time, ms since the epoch. */
  time: number;
  equity: number;
}

/** One fill of the backtest, as the results' fills.jsonl holds it. */
export interface FillRecord {
  time: number;
  clientOrderId: string;
  instrumentId: string;
  side: 'BUY' | 'SELL';
  /** Decimal text. */
  quantity: string;
  /** Decimal text. */
  price: string;
  /** Decimal text, in the instrument's quote currency. */
  fee: string;
}

/** A round trip: a position opened and closed (or reduced) on one instrument, matched first in, first out. */
export interface ClosedTrade {
  instrumentId: string;
  direction: 'LONG' | 'SHORT';
  entryTime: number;
  exitTime: number;
  /** Decimal text. */
  quantity: string;
  /** Decimal text: the average entry price of the matched quantity. */
  entryPrice: string;
  /** Decimal text. */
  exitPrice: string;
  /** Decimal text: realized PnL of the matched quantity after the fees of both sides' share. */
  pnl: string;
  /** Decimal text. */
  fees: string;
}

/** A price the report draws (a quote's mid or a trade), with the instrument it belongs to. */
export interface PricePoint {
  time: number;
  instrumentId: string;
  price: number;
}

export interface BacktestStatistics {
  startEquity: number;
  endEquity: number;
  /** (end - start) / start. */
  totalReturn: number;
  /** Compounded to a year of 365 days from the simulated span. */
  annualizedReturn: number;
  /** Standard deviation of period returns, annualized (sqrt of periods per year). */
  volatility: number;
  sharpe: number;
  sortino: number;
  /** Largest fall from a peak, as a fraction of the peak (0.25 = 25%). */
  maxDrawdown: number;
  /** Longest time from a peak until the equity was back at it (or the end of the test), ms. */
  maxDrawdownDurationMs: number;
  trades: number;
  /** Share of closed trades with a positive PnL. */
  winRate: number;
  /** Gross profit over gross loss of closed trades (Infinity with no losing trade, 0 with no winning one). */
  profitFactor: number;
  /** Decimal text: every fee paid. */
  fees: string;
  /** Decimal text: the sum of price * quantity over every fill. */
  turnover: string;
}
