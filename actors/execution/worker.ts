import { isClosed, isOpen } from '../../src/domain/order-status.ts';
import { defineActor, type FastHandler } from '../../src/index.ts';
import { emitterOf } from './emit.ts';
import type { PriceTick } from './emulation.ts';
import { handleOrderFlow, type OrderFlowMessage } from './handle.ts';
import { executionMachine, somethingToWatch } from './machine.ts';
import { tickMatters } from './orders.ts';
import { executionProtocol } from './protocol.ts';

/**
 * Applies an order-flow message to the book in place (no transition: these come at order rate), sends what it
 * produced, and wakes the in-flight timer when orders now wait for a venue.
 */
const orderFlow: FastHandler<typeof executionMachine> = (message, actor, io) => {
  const snapshot = actor.snapshot;
  const context = snapshot.context;
  context.outbox = handleOrderFlow(context, message as OrderFlowMessage);
  actor.changed('orders', 'outbox');
  emitterOf(io)(context, message.meta);
  if (snapshot.value === 'resting' && somethingToWatch(context)) actor.send({ type: 'booked' });
};

/** The execution engine as an actor; a worker hosting it loads this module. */
export const executionActor = defineActor({
  kind: 'execution',
  // Its state is the fold of its messages (their timestamps are its clock): snapshots every so many.
  replayable: true,
  protocol: executionProtocol,
  machine: executionMachine,
  handlers: {
    submitOrder: orderFlow,
    orderDenied: orderFlow,
    modifyOrder: orderFlow,
    modifyDenied: orderFlow,
    cancelOrder: orderFlow,
    venueEvent: orderFlow,
    adoptOrder: orderFlow,
    checkInFlight: orderFlow,
    // Ticks arrive at market-data rate: only one that changes an emulated order changes the book.
    marketPrice: (message, actor, io) => {
      if (tickMatters(actor.snapshot.context, message.payload as PriceTick)) orderFlow(message, actor, io);
    },
  },
  effects: (io) => ({
    actions: {
      requestCheck: () => {
        io.tell(io.self, 'checkInFlight', {}, { trace: 'high-rate' });
      },
      answerOrder: ({ context, event }) => {
        if (event.type !== 'order') return;
        const order = context.orders[event.payload.clientOrderId];
        io.reply(event.meta, order === undefined ? { found: false } : { found: true, order });
      },
      answerOpenOrders: ({ context, event }) => {
        if (event.type !== 'openOrders') return;
        io.reply(
          event.meta,
          Object.values(context.orders).filter(
            (order) => isOpen(order.status) || order.status === 'SUBMITTED',
          ),
        );
      },
      answerStats: ({ context, event }) => {
        if (event.type !== 'stats') return;
        let open = 0;
        for (const order of Object.values(context.orders)) if (!isClosed(order.status)) open += 1;
        io.reply(event.meta, { ...context.counts, open, inFlight: Object.keys(context.inFlight).length });
      },
    },
  }),
});
