import { defineActor } from '../../src/index.ts';
import { venueSimMachine } from './machine.ts';
import { venueSimProtocol } from './protocol.ts';
import { fillsSince, findOrder, openOrders, positions, status } from './queries.ts';
import { replayReader } from './replay-reader.ts';
import { instrumentList } from './venue-state.ts';

/** The simulated venue as an actor; a worker hosting it loads this module. */
export const venueSimActor = defineActor({
  kind: 'venue-sim',
  protocol: venueSimProtocol,
  machine: venueSimMachine,
  effects: (io) => ({
    actors: { replayReader: replayReader(io) },
    actions: {
      emit: ({ context, event }) => {
        // What a message caused keeps its correlation; an order's reports carry its trace, even when a later
        // market move brings them.
        const options = 'meta' in event ? { correlationId: event.meta.correlationId } : {};
        for (const emission of context.outbox) {
          if ('warn' in emission) io.log.warn({ detail: emission.detail }, emission.warn);
          else if (emission.traceparent === undefined)
            io.tell(emission.to, emission.type, emission.payload, options);
          else
            io.tell(emission.to, emission.type, emission.payload, {
              ...options,
              traceparent: emission.traceparent,
            });
        }
      },
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
