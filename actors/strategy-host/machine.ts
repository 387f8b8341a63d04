import { assign, type EventObject, fromCallback, setup } from 'xstate';
import type { Order } from '../../src/domain/order.ts';
import { isClosed, type OrderStatus } from '../../src/domain/order-status.ts';
import type { ProtocolEvent } from '../../src/index.ts';
import type { HostViews } from './context.ts';
import { type StrategyHostSettings, settingsOf } from './input.ts';
import type { strategyHostProtocol } from './protocol.ts';
import type { PositionView, Strategy } from './strategy.ts';

export type Subscription = Strategy['subscriptions'][number];

export interface StrategyHostContext extends StrategyHostSettings, HostViews {
  openOrders: Record<string, Order>;
  positions: Record<string, PositionView>;
  /** What the loaded strategy asked for, told to market data each time the strategy starts. */
  subscriptions: Subscription[];
  orderEvents: number;
  /** Order events that reported a denial or a rejection. */
  errors: number;
  failure?: string;
}

/** What the session actor (which loads the strategy) reports back. */
export type SessionEvent =
  | { type: 'loaded'; subscriptions: Subscription[] }
  | { type: 'loadFailed'; message: string };

export type StrategyHostEvent = ProtocolEvent<typeof strategyHostProtocol> | SessionEvent;

type OrderEventMessage = Extract<StrategyHostEvent, { type: 'orderEvent' }>;
type PortfolioEventMessage = Extract<StrategyHostEvent, { type: 'portfolioEvent' }>;

const REFUSALS = new Set(['Denied', 'Rejected', 'ModifyRejected', 'CancelRejected']);

/**
 * The open-orders view after an order event: a closed order leaves it. Updated in place, since copying it per
 * event costs O(open orders) on the order path.
 */
export function trackOrder(
  context: StrategyHostContext,
  event: Pick<OrderEventMessage, 'payload'>,
): Pick<StrategyHostContext, 'openOrders' | 'orderEvents' | 'errors'> {
  const order = event.payload.order as Order;
  const openOrders = context.openOrders;
  if (isClosed(order.status as OrderStatus)) delete openOrders[order.clientOrderId];
  else openOrders[order.clientOrderId] = order;
  return {
    openOrders,
    orderEvents: context.orderEvents + 1,
    errors: context.errors + (REFUSALS.has(event.payload.event.type) ? 1 : 0),
  };
}

/** The positions view after a portfolio event, if it reported a position (balances are not kept here). */
export function trackPosition(
  context: StrategyHostContext,
  event: Pick<PortfolioEventMessage, 'payload'>,
): Pick<StrategyHostContext, 'positions'> | undefined {
  if (event.payload.kind !== 'position') return undefined;
  const { instrumentId, positionId, quantity } = event.payload;
  return { positions: { ...context.positions, [instrumentId]: { instrumentId, positionId, quantity } } };
}

/**
 * The strategy host's lifecycle: `loading` while the session actor imports and makes the strategy, `running` once
 * it has (subscribed and started), `failed` when it could not be loaded, which fails the actor with the reason.
 * The session actor is invoked at the root, so that a host restored from a snapshot loads its strategy again:
 * it then reports `loaded` in `running`, and the strategy subscribes and starts afresh. Ticks and bars do not
 * come through here: the worker's fast handlers pass them to the strategy while the host is running. Order
 * events and positions do, to keep the views the strategy reads (persisted, so they survive a restart).
 */
export const strategyHostMachine = setup({
  types: {
    context: {} as StrategyHostContext,
    events: {} as StrategyHostEvent,
    input: {} as unknown,
  },
  actors: {
    session: fromCallback<EventObject, StrategyHostSettings>(() => undefined),
  },
  actions: {
    subscribe: () => undefined,
    startStrategy: () => undefined,
    answerStatus: () => undefined,
    takeSubscriptions: assign({
      subscriptions: ({ context, event }) =>
        event.type === 'loaded' ? event.subscriptions : context.subscriptions,
    }),
    fail: ({ context }) => {
      throw new Error(`strategy host ${context.strategyId}: ${context.failure}`);
    },
  },
}).createMachine({
  id: 'strategy-host',
  context: ({ input, self }) => ({
    ...settingsOf(input, self.id),
    openOrders: {},
    positions: {},
    subscriptions: [],
    orderEvents: 0,
    errors: 0,
  }),
  invoke: {
    id: 'session',
    src: 'session',
    input: ({ context }) => ({
      strategyId: context.strategyId,
      strategy: context.strategy,
      params: context.params,
      instruments: context.instruments,
      riskId: context.riskId,
      marketDataId: context.marketDataId,
    }),
  },
  initial: 'loading',
  states: {
    loading: {
      on: {
        loaded: { target: 'running', actions: 'takeSubscriptions' },
      },
    },
    running: {
      entry: ['subscribe', 'startStrategy'],
      on: {
        loaded: { target: 'running', reenter: true, actions: 'takeSubscriptions' },
      },
    },
    failed: { entry: 'fail' },
  },
  on: {
    loadFailed: { target: '.failed', actions: assign({ failure: ({ event }) => event.message }) },
    status: { actions: 'answerStatus' },
  },
});
