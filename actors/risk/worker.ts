import { Decimal } from '../../src/domain/decimal.ts';
import type { OrderRequest } from '../../src/domain/order.ts';
import { defineActor } from '../../src/index.ts';
import { STREAM } from '../../src/persistence/layout.ts';
import type { TradingState } from './checks.ts';
import { lastPricesOf } from './last-prices.ts';
import {
  decideModify,
  decideSubmit,
  noteOrderClosed,
  noteOrderUpdated,
  type RiskEvent,
  type RiskInput,
  riskMachine,
} from './machine.ts';
import { riskProtocol } from './protocol.ts';
import { routeOf } from './route.ts';
import type { ThrottleWindow } from './throttle.ts';

/** Where a throttle's window stood: a check that counts an order, or drops old times, moves it. */
const positionOf = (window: ThrottleWindow) => ({ start: window.start, length: window.times.length });
const moved = (window: ThrottleWindow, before: ReturnType<typeof positionOf>) =>
  window.start !== before.start || window.times.length !== before.length;

type Payload<T extends RiskEvent['type']> = Extract<RiskEvent, { type: T; payload: unknown }>['payload'];

/**
 * The risk engine as an actor: its machine, the effects it is given, and fast handlers for what comes at order
 * and tick rate (orders screened in the trading state they meet, open orders' changes, prices), each without a
 * transition. A worker hosting the risk engine loads this module.
 */
export const riskActor = defineActor({
  kind: 'risk',
  // Its state is the fold of its messages (their timestamps are its clock): snapshots every so many.
  replayable: true,
  protocol: riskProtocol,
  machine: riskMachine,
  handlers: {
    // Each names what it changed, for the span's digest: the throttle's window only moves when its check ran.
    submit: (message, actor, io) => {
      const { context, value } = actor.snapshot;
      const { order } = message.payload as { order: OrderRequest };
      const now = message.meta.timestamp;
      const window = positionOf(context.submitWindow);
      const decision = decideSubmit(context, value as TradingState, order, now, lastPricesOf(io.self));
      actor.changed('lastDecision', 'knownOrderIds', 'knownOrderQueue');
      if (decision.approved) actor.changed('openOrders', 'openOrderCount');
      if (moved(context.submitWindow, window)) actor.changed('submitWindow');
      routeOf(io)(context, decision, message.meta);
    },
    modify: (message, actor, io) => {
      const { context, value } = actor.snapshot;
      const modify = message.payload as Payload<'modify'>;
      const now = message.meta.timestamp;
      const window = positionOf(context.modifyWindow);
      const decision = decideModify(context, value as TradingState, modify, now, lastPricesOf(io.self));
      actor.changed('lastDecision');
      if (moved(context.modifyWindow, window)) actor.changed('modifyWindow');
      routeOf(io)(context, decision, message.meta);
    },
    // Cancels always pass, in every trading state: straight on to execution.
    cancel: (message, actor, io) => {
      const { clientOrderId } = message.payload as Payload<'cancel'>;
      const options = { correlationId: message.meta.correlationId };
      io.tell(actor.snapshot.context.executionId, 'cancelOrder', { clientOrderId }, options);
    },
    orderUpdated: (message, actor) => {
      if (noteOrderUpdated(actor.snapshot.context, message.payload as Payload<'orderUpdated'>))
        actor.changed('openOrders');
    },
    orderClosed: (message, actor) => {
      const { clientOrderId } = message.payload as Payload<'orderClosed'>;
      if (noteOrderClosed(actor.snapshot.context, clientOrderId))
        actor.changed('openOrders', 'openOrderCount');
    },
    // The records are replaced, not changed in place: the checks' parsed views of them are cached by record.
    position: (message, actor) => {
      const { instrumentId, quantity } = message.payload as Payload<'position'>;
      const positions = actor.snapshot.context.positions;
      if (positions[instrumentId] !== quantity)
        actor.update({ positions: { ...positions, [instrumentId]: quantity } });
    },
    balance: (message, actor) => {
      const { currency, free } = message.payload as Payload<'balance'>;
      const balances = actor.snapshot.context.balances;
      if (balances[currency] !== free) actor.update({ balances: { ...balances, [currency]: free } });
    },
    price: (message, _actor, io) => {
      const { instrumentId, price } = message.payload as { instrumentId: string; price: string };
      lastPricesOf(io.self).set(instrumentId, Decimal.parse(price));
    },
  },
  restored: (input) => ({ type: 'restored' as const, input: input as RiskInput | undefined }),
  effects: (io) => {
    return {
      actions: {
        publish: ({ context }, { event, detail }) => {
          io.journal(event === 'TradingStateChanged' ? STREAM.tradingState : STREAM.risk, event, detail);
          for (const sink of context.eventSinks) io.tell(sink, 'riskEvent', { event, detail });
        },
        answerStatus: ({ context, self }, { meta }) => {
          if (meta === undefined) return;
          const reconciling = context.reconciling;
          io.reply(meta, {
            tradingState: Object.keys(reconciling).length > 0 ? 'HALTED' : self.getSnapshot().value,
            ...(context.stateReason === undefined ? {} : { reason: context.stateReason }),
            reconciling,
            openOrders: context.openOrderCount,
            limits: context.limits,
            instruments: Object.keys(context.instruments),
          });
        },
      },
    };
  },
});
