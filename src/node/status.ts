import { executionProtocol } from '../../actors/execution/protocol.ts';
import { marketDataProtocol } from '../../actors/market-data/protocol.ts';
import { portfolioProtocol } from '../../actors/portfolio/protocol.ts';
import { riskProtocol, waitLabel } from '../../actors/risk/protocol.ts';
import { Decimal } from '../domain/decimal.ts';
import type { ActorSystem } from '../index.ts';
import { NODE_IDS } from './tree.ts';
import { totalRestarts } from './tree-view.ts';

/** One reading of the node, for the status line and the admin endpoint. Unknown figures (an actor restarting) are absent. */
export interface NodeStatus {
  uptimeS: number;
  tradingState?: string;
  /** Why trading is not ACTIVE: what it waits for at a start, or the reason given when it was set. */
  tradingReason?: string;
  ticks?: number;
  ticksPerS?: number;
  orders?: number;
  fills?: number;
  denied?: number;
  rejected?: number;
  openOrders?: number;
  positions?: number;
  /** Realized plus unrealized PnL, per quote currency. */
  pnl?: Record<string, string>;
  restarts: number;
  deadLetters: number;
}

const ASK_MS = 1000;

async function settle<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch {
    return undefined;
  }
}

/** Reads the node's figures from its actors; ticks per second come from the difference to the last reading. */
export class StatusSampler {
  private last: { at: number; ticks: number } | undefined;

  constructor(
    private readonly system: ActorSystem,
    private readonly startedAt: number,
    private readonly quoteCurrencyOf: (instrumentId: string) => string | undefined,
  ) {}

  async sample(): Promise<NodeStatus> {
    const ask = { timeoutMs: ASK_MS };
    const [execution, marketData, portfolio, risk] = await Promise.all([
      settle(this.system.ref(NODE_IDS.execution, executionProtocol).ask('stats', {}, ask)),
      settle(this.system.ref(NODE_IDS.marketData, marketDataProtocol).ask('stats', {}, ask)),
      settle(this.system.ref(NODE_IDS.portfolio, portfolioProtocol).ask('snapshot', {}, ask)),
      settle(this.system.ref(NODE_IDS.risk, riskProtocol).ask('status', {}, ask)),
    ]);
    const now = Date.now();
    const status: NodeStatus = {
      uptimeS: (now - this.startedAt) / 1000,
      restarts: totalRestarts(this.system.root),
      deadLetters: this.system.deadLetters.count,
    };
    if (risk) {
      status.tradingState = risk.tradingState;
      const waits = Object.entries(risk.reconciling).map(([on, why]) => `${waitLabel(on)}: ${why}`);
      const reasons = [
        ...(risk.reason === undefined ? [] : [risk.reason]),
        ...(waits.length > 0 ? [`waiting for ${waits.join('; ')}`] : []),
      ];
      if (risk.tradingState !== 'ACTIVE' && reasons.length > 0) status.tradingReason = reasons.join('; ');
    }
    if (marketData) {
      const ticks = marketData.quotes + marketData.trades;
      status.ticks = ticks;
      // A restarted market data actor counts from zero again: no rate across that reading.
      if (this.last !== undefined && ticks >= this.last.ticks && now > this.last.at) {
        status.ticksPerS = ((ticks - this.last.ticks) * 1000) / (now - this.last.at);
      }
      this.last = { at: now, ticks };
    }
    if (execution) {
      status.orders = execution.orders;
      status.fills = execution.fills;
      status.denied = execution.denied;
      status.rejected = execution.rejected;
      status.openOrders = execution.open;
    }
    if (portfolio) {
      status.positions = portfolio.positions.filter((p) => !Decimal.parse(p.quantity).isZero()).length;
      const pnl = new Map<string, Decimal>();
      for (const position of portfolio.positions) {
        const currency = this.quoteCurrencyOf(position.instrumentId) ?? '?';
        let total = pnl.get(currency) ?? Decimal.zero();
        total = total.add(Decimal.parse(position.realizedPnl));
        if (position.unrealizedPnl !== undefined) total = total.add(Decimal.parse(position.unrealizedPnl));
        pnl.set(currency, total);
      }
      status.pnl = Object.fromEntries(
        [...pnl].map(([currency, total]) => [currency, total.rescale(2).toString()]),
      );
    }
    return status;
  }
}

const show = (value: number | undefined, digits = 0) => (value === undefined ? '?' : value.toFixed(digits));

/** The compact status line printed every few seconds. */
export function formatStatus(status: NodeStatus): string {
  const pnl =
    status.pnl === undefined
      ? '?'
      : Object.entries(status.pnl)
          .map(([currency, value]) => `${value} ${currency}`)
          .join(', ') || '0';
  return [
    `up ${show(status.uptimeS)}s`,
    status.tradingReason === undefined
      ? (status.tradingState ?? '?')
      : `${status.tradingState} (${status.tradingReason})`,
    `ticks/s ${show(status.ticksPerS)}`,
    `orders ${show(status.orders)}`,
    `fills ${show(status.fills)}`,
    `open ${show(status.openOrders)}`,
    `positions ${show(status.positions)}`,
    `pnl ${pnl}`,
    `restarts ${status.restarts}`,
    `dead letters ${status.deadLetters}`,
  ].join(' | ');
}
