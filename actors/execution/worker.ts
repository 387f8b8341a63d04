import { isClosed, isOpen } from '../../src/domain/order-status.ts';
import { defineActor } from '../../src/index.ts';
import { STREAM } from '../../src/persistence/layout.ts';
import type { PriceTick } from './emulation.ts';
import { executionMachine } from './machine.ts';
import { executionMetrics } from './metrics.ts';
import { EXTERNAL_STRATEGY, tickMatters } from './orders.ts';
import { executionProtocol } from './protocol.ts';

/** The execution engine as an actor; a worker hosting it loads this module. */
export const executionActor = defineActor({
  kind: 'execution',
  // Its state is the fold of its messages (their timestamps are its clock): snapshots every so many.
  replayable: true,
  protocol: executionProtocol,
  machine: executionMachine,
  handlers: {
    // Ticks arrive at market-data rate: only one that changes an emulated order wakes the machine.
    marketPrice: (message, actor) => {
      const tick = message.payload as PriceTick;
      if (tickMatters(actor.snapshot.context, tick)) {
        actor.send({ type: 'marketPrice', payload: tick, meta: message.meta });
      }
    },
  },
  effects: (io) => {
    const metrics = executionMetrics(io);
    return {
      actions: {
        requestCheck: () => {
          io.tell(io.self, 'checkInFlight', {}, { trace: 'high-rate' });
        },
        emit: ({ context, event }) => {
          const options = { correlationId: event.meta.correlationId };
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
                if (emission.event.type === 'Filled' && context.portfolioId !== undefined) {
                  io.tell(
                    context.portfolioId,
                    'fill',
                    { order: emission.order, fill: emission.event },
                    options,
                  );
                }
                break;
              }
              case 'closed':
                io.tell(context.riskId, 'orderClosed', { clientOrderId: emission.clientOrderId }, options);
                break;
              case 'problem':
                for (const sink of context.orderEventSinks)
                  io.tell(sink, 'executionProblem', emission, options);
                io.log.warn({ problem: emission }, 'execution could not act on a message');
                break;
            }
          }
        },
        answerOrder: ({ context, event }) => {
          if (event.type !== 'order') return;
          const order = context.orders[event.payload.clientOrderId];
          io.reply(event.meta, order === undefined ? { found: false } : { found: true, order });
        },
        answerOpenOrders: ({ context, event }) => {
          io.reply(
            event.meta,
            Object.values(context.orders).filter(
              (order) => isOpen(order.status) || order.status === 'SUBMITTED',
            ),
          );
        },
        answerStats: ({ context, event }) => {
          let open = 0;
          for (const order of Object.values(context.orders)) if (!isClosed(order.status)) open += 1;
          io.reply(event.meta, { ...context.counts, open, inFlight: Object.keys(context.inFlight).length });
        },
      },
    };
  },
});
