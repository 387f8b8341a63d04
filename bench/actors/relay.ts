import { setup } from 'xstate';
import { defineActor, defineProtocol, type ProtocolEvent, Type } from '../../src/index.ts';

/*
 * A hop of the runtime that does nothing else: it passes each `submit` on to the actor its input names, in a fast
 * handler. A chain of them prices what the runtime itself adds to a hop (the link, validation, the cell, the
 * commit, the envelope on the wire), with no trading work on top: the tick-to-order bench's floor.
 */
export const relayProtocol = defineProtocol({
  messages: { submit: Type.Unknown() },
  replies: {},
});

export interface RelayInput {
  next: string;
}

export const relayActor = defineActor({
  kind: 'relay',
  protocol: relayProtocol,
  machine: setup({
    types: {
      context: {} as RelayInput,
      input: {} as RelayInput,
      events: {} as ProtocolEvent<typeof relayProtocol>,
    },
  }).createMachine({ id: 'relay', context: ({ input }) => ({ next: input.next }) }),
  handlers: {
    submit: (message, actor, io) => {
      io.tell(actor.snapshot.context.next, 'submit', message.payload);
    },
  },
});
