import { setup } from 'xstate';
import {
  type ActorIO,
  defineActor,
  defineProtocol,
  type MessageMeta,
  type ProtocolEvent,
  Type,
} from '../../src/index.ts';

/* A stand-in venue for benchmarks: counts the orders execution sends it and answers once it has `count`. */
export const venueSinkProtocol = defineProtocol({
  messages: {
    submit: Type.Unknown(),
    modify: Type.Unknown(),
    cancel: Type.Unknown(),
    queryOrder: Type.Unknown(),
    expect: Type.Object({ count: Type.Integer({ minimum: 1 }) }),
  },
  replies: { expect: Type.Object({ received: Type.Integer() }) },
});

const waiting = new Map<string, { count: number; received: number; meta?: MessageMeta }>();

function counter(io: ActorIO) {
  let state = waiting.get(io.self);
  if (state === undefined) {
    state = { count: 0, received: 0 };
    waiting.set(io.self, state);
  }
  return state;
}

export const venueSinkActor = defineActor({
  kind: 'venue-sink',
  protocol: venueSinkProtocol,
  machine: setup({
    types: { events: {} as ProtocolEvent<typeof venueSinkProtocol> },
    actions: { expect: () => undefined },
  }).createMachine({ id: 'venue-sink', on: { expect: { actions: 'expect' } } }),
  handlers: {
    submit: (_message, _actor, io) => {
      const state = counter(io);
      state.received += 1;
      if (state.meta && state.received === state.count) io.reply(state.meta, { received: state.received });
    },
  },
  effects: (io) => ({
    actions: {
      expect: ({ event }) => {
        if (event.type !== 'expect') return;
        const state = counter(io);
        state.count = event.payload.count;
        state.received = 0;
        state.meta = event.meta;
      },
    },
  }),
});
