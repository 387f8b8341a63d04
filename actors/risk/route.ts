import { type ActorIO, type MessageMeta, perActor } from '../../src/index.ts';
import type { RiskContext, RiskDecision } from './machine.ts';

export type Route = (context: RiskContext, decision: RiskDecision, meta: MessageMeta) => void;

/**
 * What carries out one actor's screening decisions: an approved order or modify to execution, a denial to
 * execution (which records it) and to the event sinks, and the answer to the asker. Made at the actor's first
 * order, with its denials counter.
 */
export const routeOf: (io: ActorIO) => Route = perActor(makeRoute);

function makeRoute(io: ActorIO): Route {
  const denials = io.meter.createCounter('foxtrot.risk.denials', {
    description: 'Orders and modifications the risk engine denied, by reason',
  });
  return (context, decision, meta) => {
    if (!decision.approved) denials.add(1, { reason: decision.reason ?? 'unknown', request: decision.kind });
    const options = { correlationId: meta.correlationId };
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
      meta,
      decision.approved ? reply : { ...reply, reason: decision.reason, message: decision.message },
    );
  };
}
