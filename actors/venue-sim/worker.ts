import { defineActor, type FastHandler } from '../../src/index.ts';
import { emitOutbox } from './emit.ts';
import { handle, type VenueSimEvent, venueSimMachine } from './machine.ts';
import { venueSimProtocol } from './protocol.ts';
import { fillsSince, findOrder, openOrders, positions, status } from './queries.ts';
import { replayReader } from './replay-reader.ts';
import { instrumentList } from './venue-state.ts';

/**
 * An order request, a market step or market data, applied without a transition (they come at order and tick
 * rate): the next context's fields are written into the live one, what it produced is sent, and the delivery
 * timer is woken when reports now wait for their latency.
 */
const venueFlow: FastHandler<typeof venueSimMachine> = (message, actor, io) => {
  const snapshot = actor.snapshot;
  const context = snapshot.context;
  actor.update(handle(context, message as VenueSimEvent));
  emitOutbox(io, context, message.meta);
  const deliveries = (snapshot.value as { deliveries?: string }).deliveries;
  if (deliveries === 'idle' && context.pending.length > 0) actor.send({ type: 'pending' });
};

/** The simulated venue as an actor; a worker hosting it loads this module. */
export const venueSimActor = defineActor({
  kind: 'venue-sim',
  protocol: venueSimProtocol,
  machine: venueSimMachine,
  handlers: {
    submit: venueFlow,
    modify: venueFlow,
    cancel: venueFlow,
    step: venueFlow,
    marketData: venueFlow,
  },
  effects: (io) => ({
    actors: { replayReader: replayReader(io) },
    actions: {
      emit: ({ context, event }) => emitOutbox(io, context, 'meta' in event ? event.meta : undefined),
      requestStep: () => {
        // Each market step starts a trace of its own (sampled at the high-rate ratio), not a chain of all of them.
        io.tell(io.self, 'step', {}, { trace: 'high-rate' });
      },
      answerConnect: ({ context, event }) => {
        if (event.type !== 'connect') return;
        io.reply(event.meta, {
          sessionId: context.sessions[event.payload.client] as string,
          instruments: instrumentList(context),
        });
      },
      answerOrder: ({ context, event }) => {
        if (event.type !== 'queryOrder') return;
        const order = findOrder(context, event.payload.clientOrderId);
        io.reply(event.meta, order === undefined ? { found: false } : { found: true, order });
      },
      answerOpenOrders: ({ context, event }) => {
        if (event.type === 'queryOpenOrders')
          io.reply(event.meta, openOrders(context, event.payload.instrumentId));
      },
      answerFills: ({ context, event }) => {
        if (event.type === 'queryFillsSince') io.reply(event.meta, fillsSince(context, event.payload.since));
      },
      answerPositions: ({ context, event }) => {
        if (event.type === 'queryPositions') io.reply(event.meta, positions(context));
      },
      answerStatus: ({ context, event }) => {
        if (event.type === 'status') io.reply(event.meta, status(context));
      },
    },
  }),
});
