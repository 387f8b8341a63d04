import { Decimal } from '../../src/domain/decimal.ts';
import { defineActor } from '../../src/index.ts';
import { STREAM } from '../../src/persistence/layout.ts';
import { lastPricesOf } from './last-prices.ts';
import { type RiskInput, riskMachine } from './machine.ts';
import { riskProtocol } from './protocol.ts';

/**
 * The risk engine as an actor: its machine, the effects it is given, and a fast handler for prices (tick rate,
 * no transition). A worker hosting the risk engine loads this module.
 */
export const riskActor = defineActor({
  kind: 'risk',
  // Its state is the fold of its messages (their timestamps are its clock): snapshots every so many.
  replayable: true,
  protocol: riskProtocol,
  machine: riskMachine,
  handlers: {
    price: (message, _actor, io) => {
      const { instrumentId, price } = message.payload as { instrumentId: string; price: string };
      lastPricesOf(io.self).set(instrumentId, Decimal.parse(price));
    },
  },
  restored: (input) => ({ type: 'restored' as const, input: input as RiskInput | undefined }),
  effects: (io) => {
    const denials = io.meter.createCounter('foxtrot.risk.denials', {
      description: 'Orders and modifications the risk engine denied, by reason',
    });
    return {
      actions: {
        route: ({ context, event }) => {
          const decision = context.lastDecision;
          if (decision === undefined || event.meta === undefined) return;
          if (!decision.approved)
            denials.add(1, { reason: decision.reason ?? 'unknown', request: decision.kind });
          const options = { correlationId: event.meta.correlationId };
          const target = context.executionId;
          if (decision.kind === 'submit' && decision.approved) {
            io.tell(target, 'submitOrder', { order: decision.order }, options);
          } else if (decision.kind === 'submit') {
            const denied = { order: decision.order, reason: decision.reason, message: decision.message };
            io.tell(target, 'orderDenied', denied, options);
            for (const sink of context.eventSinks)
              io.tell(sink, 'riskEvent', { event: 'OrderDenied', detail: denied }, options);
          } else if (decision.approved) {
            io.tell(target, 'modifyOrder', decision.modify, options);
          } else {
            const denied = { ...decision.modify, reason: decision.reason, message: decision.message };
            io.tell(target, 'modifyDenied', denied, options);
          }
          const reply = { clientOrderId: decision.clientOrderId, approved: decision.approved };
          io.reply(
            event.meta,
            decision.approved ? reply : { ...reply, reason: decision.reason, message: decision.message },
          );
        },
        forwardCancel: ({ context, event }, { clientOrderId }) => {
          io.tell(
            context.executionId,
            'cancelOrder',
            { clientOrderId },
            event.meta === undefined ? {} : { correlationId: event.meta.correlationId },
          );
        },
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
