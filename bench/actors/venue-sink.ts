import { setup } from 'xstate';
import {
  type ActorIO,
  defineActor,
  defineProtocol,
  type MessageMeta,
  type ProtocolEvent,
  Type,
} from '../../src/index.ts';

/*
 * A stand-in venue for benchmarks: counts every order execution sends it and answers `expect` once it has had
 * `total` since it started. Counting from the start, not from the ask, means the count holds whatever arrives
 * first, the ask or the first orders of the round it waits for (they come by different paths).
 */
export const venueSinkProtocol = defineProtocol({
  messages: {
    submit: Type.Unknown(),
    modify: Type.Unknown(),
    cancel: Type.Unknown(),
    queryOrder: Type.Unknown(),
    expect: Type.Object({ total: Type.Integer({ minimum: 1 }) }),
  },
  replies: { expect: Type.Object({ received: Type.Integer() }) },
});

const waiting = new Map<string, { total: number; received: number; meta?: MessageMeta }>();

function counter(io: ActorIO) {
  let state = waiting.get(io.self);
  if (state === undefined) {
    state = { total: 0, received: 0 };
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
      if (state.meta && state.received === state.total) io.reply(state.meta, { received: state.received });
    },
  },
  effects: (io) => ({
    actions: {
      expect: ({ event }) => {
        if (event.type !== 'expect') return;
        const state = counter(io);
        state.total = event.payload.total;
        state.meta = event.meta;
        if (state.received >= state.total) io.reply(event.meta, { received: state.received });
      },
    },
  }),
});
