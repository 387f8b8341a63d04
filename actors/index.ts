/**
 * Foxtrot's trading actors and the domain they share. Host applications import trading pieces from here and the
 * runtime from `src/index.ts`.
 */
export { type Balance, type Balances, freeOf } from '../src/domain/account.ts';
export { Decimal, type Rounding } from '../src/domain/decimal.ts';
export { ClientOrderIdGenerator, type InstrumentId, parseInstrumentId } from '../src/domain/identifiers.ts';
export { Instrument, type InstrumentSpec } from '../src/domain/instrument.ts';
export type { Bar, QuoteTick, TradeTick } from '../src/domain/market-data.ts';
export {
  type ApplyResult,
  applyOrderEvent,
  createOrder,
  type Order,
  type OrderEvent,
  type OrderRequest,
} from '../src/domain/order.ts';
export {
  canTransition,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  type OrderStatus,
} from '../src/domain/order-status.ts';
export {
  ORDER_TYPES,
  type OrderSide,
  type OrderType,
  TIME_IN_FORCE,
  type TimeInForce,
} from '../src/domain/order-types.ts';
export {
  applyFill,
  flatPosition,
  type Position,
  type PositionFill,
  unrealizedPnl,
} from '../src/domain/position.ts';
export { adapterProtocol } from './adapters/protocol.ts';
export type {
  VenueClient,
  VenueFill,
  VenueModify,
  VenueOrderRecord,
  VenueSession,
} from './adapters/venue-client.ts';
export { adapterActor } from './adapters/worker.ts';
export type { ExecutionContext, ExecutionInput } from './execution/machine.ts';
export type { Emission } from './execution/orders.ts';
export { executionProtocol, VenueOrderEventSchema } from './execution/protocol.ts';
export { executionActor } from './execution/worker.ts';
export { marketDataProtocol } from './market-data/protocol.ts';
export { marketDataActor } from './market-data/worker.ts';
export type { PortfolioContext, PortfolioInput } from './portfolio/machine.ts';
export { portfolioProtocol } from './portfolio/protocol.ts';
export { portfolioActor } from './portfolio/worker.ts';
export { checkSubmit, type RiskLimits, type RiskView, type TradingState } from './risk/checks.ts';
export type { RiskContext, RiskDecision, RiskInput } from './risk/machine.ts';
export { riskProtocol } from './risk/protocol.ts';
export { type Denial, RISK_REASONS, type RiskReason } from './risk/reasons.ts';
export { riskActor } from './risk/worker.ts';
export { strategyHostProtocol } from './strategy-host/protocol.ts';
export type {
  MarketTick,
  PositionView,
  Strategy,
  StrategyContext,
  StrategyFactory,
  StrategyOrder,
} from './strategy-host/strategy.ts';
export { strategyHostActor } from './strategy-host/worker.ts';
export { venueSimProtocol } from './venue-sim/protocol.ts';
export { venueSimActor } from './venue-sim/worker.ts';
