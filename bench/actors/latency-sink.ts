import { setup } from 'xstate';
import { defineActor, defineProtocol, type ProtocolEvent, Type } from '../../src/index.ts';

/*
 * The end of the tick-to-order bench: stands in for the venue adapter and records when each order arrives (epoch
 * ms with microseconds, comparable across threads) and its price, which says which tick caused it. It also takes
 * market data's subscription requests.
 */
export const latencySinkProtocol = defineProtocol({
  messages: {
    submit: Type.Unknown(),
    modify: Type.Unknown(),
    cancel: Type.Unknown(),
    queryOrder: Type.Unknown(),
    subscribe: Type.Unknown(),
    collect: Type.Object({}),
  },
  replies: {
    collect: Type.Object({ arrivals: Type.Array(Type.Object({ price: Type.String(), at: Type.Number() })) }),
  },
});

let arrivals: Array<{ price: string; at: number }> = [];

export const latencySinkActor = defineActor({
  kind: 'latency-sink',
  protocol: latencySinkProtocol,
  machine: setup({
    types: { events: {} as ProtocolEvent<typeof latencySinkProtocol> },
    actions: { collect: () => undefined },
  }).createMachine({ id: 'latency-sink', on: { collect: { actions: 'collect' } } }),
  handlers: {
    submit: (message) => {
      const at = performance.timeOrigin + performance.now();
      arrivals.push({ price: (message.payload as { order: { price: string } }).order.price, at });
    },
  },
  effects: (io) => ({
    actions: {
      collect: ({ event }) => {
        io.reply(event.meta, { arrivals });
        arrivals = [];
      },
    },
  }),
});
