import type { NodeConfig } from '../node/config.ts';
import type { BacktestStatistics, ClosedTrade, EquityPoint, FillRecord, PricePoint } from './results.ts';

/** One backtest: what `foxtrot backtest` is given, and what a sweep runs once per combination. */
export interface BacktestSpec {
  /** CSV or JSONL market data files (docs/market-data-format.md), merged in time order. */
  data: string[];
  /** A builtin strategy's name, or a module path or file URL exporting a strategy factory. */
  strategy: string;
  /** The strategy's parameters; a builtin's defaults fill what is not given. */
  params?: Record<string, unknown>;
  /** Ticks before this time (ms since the epoch) are passed over. */
  from?: number;
  /** Ticks after this time end the replay. */
  to?: number;
  /** Skip malformed lines and count them, instead of stopping at the first one. */
  skipBadLines?: boolean;
  /** Seeds the simulated venue (its faults and fills); the same seed gives the same results. */
  seed?: number;
  /**
   * The node config whose venue (instruments, latency, fees), account and risk limits the backtest runs with, as a
   * live node would (`--config`); its strategies give a builtin's default params. Default: the embedded config.
   */
  config?: NodeConfig;
}

/** How far a running backtest has got: for the progress bar. */
export interface BacktestProgress {
  /** Market data events replayed so far. */
  events: number;
  /** The first event's time and the simulated time reached (ms since the epoch). */
  startTime: number;
  simulatedTime: number;
  /** Wall-clock ms since the replay began. */
  elapsedMs: number;
}

/** An order's final state, as orders.jsonl holds it (one line per order). */
export interface OrderRecord {
  clientOrderId: string;
  instrumentId: string;
  side: 'BUY' | 'SELL';
  type: string;
  quantity: string;
  price?: string;
  status: string;
  filledQuantity: string;
  averageFillPrice?: string;
  /** Simulated time of the order's first and last event. */
  createdAt: number;
  updatedAt: number;
  /** Why it was denied or rejected, if it was. */
  reason?: string;
}

/** The net position in an instrument at the end, as positions.jsonl holds it. */
export interface PositionRecord {
  instrumentId: string;
  /** Decimal text, signed (negative is short). */
  quantity: string;
  /** Decimal text: the last price seen, at which the position is marked. */
  markPrice: string;
  /** Decimal text, in the quote currency: realized PnL net of fees, plus the open position marked. */
  pnl: string;
}

export interface BacktestResult {
  strategy: string;
  /** The parameters the strategy ran with (defaults filled in). */
  parameters: Record<string, unknown>;
  seed: number;
  /** Market data events replayed. */
  events: number;
  /** Lines skipped with `skipBadLines`, by file. */
  skipped: Record<string, number>;
  /** The simulated span replayed (ms since the epoch). */
  startTime: number;
  endTime: number;
  orders: OrderRecord[];
  fills: FillRecord[];
  positions: PositionRecord[];
  equity: EquityPoint[];
  /** Prices for the report's charts, at most one point per instrument per equity sample. */
  prices: PricePoint[];
  trades: ClosedTrade[];
  /** The length of the return periods the statistics use (ms). */
  periodMs: number;
  statistics: BacktestStatistics;
}
