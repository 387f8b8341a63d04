import { type ActorIO, type EnvelopeOptions, type MessageMeta, perActor } from '../../src/index.ts';
import { STREAM } from '../../src/persistence/layout.ts';
import { changesReservation, portfolioOrderOf } from '../portfolio/order-events.ts';
import type { ExecutionContext } from './machine.ts';
import { executionMetrics } from './metrics.ts';
import { type Emission, EXTERNAL_STRATEGY } from './orders.ts';

export type Emit = (context: ExecutionContext, meta: MessageMeta) => void;

/**
 * What sends execution's outbox through one actor's effects: to venues, the order's strategy, the portfolio,
 * risk and the sinks, each order event journaled on its order's stream. One per actor, made at its first message.
 */
export const emitterOf: (io: ActorIO) => Emit = perActor(makeEmitter);

function makeEmitter(io: ActorIO): Emit {
  const metrics = executionMetrics(io);
  return (context, meta) => {
    const options = { correlationId: meta.correlationId };
    metrics.seen(context.orders);
    for (const emission of context.outbox) {
      switch (emission.kind) {
        case 'venue':
          io.tell(
            context.venues[emission.venue] ?? context.venueFallback ?? `venue-${emission.venue}`,
            emission.type,
            emission.payload,
            options,
          );
          break;
        case 'orderEvent': {
          const report = { order: emission.order, event: emission.event };
          io.journal(STREAM.order(emission.order.clientOrderId), emission.event.type, report);
          if (context.notifyStrategies && emission.order.strategyId !== EXTERNAL_STRATEGY)
            io.tell(emission.order.strategyId, 'orderEvent', report, options);
          for (const sink of context.orderEventSinks) io.tell(sink, 'orderEvent', report, options);
          if (emission.event.type === 'Updated') {
            const { type: _type, ...fields } = emission.event;
            io.tell(
              context.riskId,
              'orderUpdated',
              { clientOrderId: emission.order.clientOrderId, ...fields },
              options,
            );
          }
          if (emission.event.type === 'Filled') metrics.filled(emission.order);
          if (context.portfolioId !== undefined) tellPortfolio(io, context.portfolioId, emission, options);
          break;
        }
        case 'closed':
          io.tell(context.riskId, 'orderClosed', { clientOrderId: emission.clientOrderId }, options);
          break;
        case 'problem':
          for (const sink of context.orderEventSinks) io.tell(sink, 'executionProblem', emission, options);
          io.log.warn({ problem: emission }, 'execution could not act on a message');
          break;
      }
    }
  };
}

/**
 * The portfolio hears of fills and of the order events that lock or release cash (submissions, closes), with only
 * the order fields it reads: most of an order's events would change nothing there, and it is told at order rate.
 */
function tellPortfolio(
  io: ActorIO,
  portfolioId: string,
  emission: Extract<Emission, { kind: 'orderEvent' }>,
  options: EnvelopeOptions,
): void {
  const { order, event } = emission;
  if (event.type === 'Filled')
    io.tell(portfolioId, 'fill', { order: portfolioOrderOf(order), fill: event }, options);
  else if (changesReservation(event.type, order.status))
    io.tell(
      portfolioId,
      'orderEvent',
      { order: portfolioOrderOf(order), event: { type: event.type } },
      options,
    );
}
