import { assign, setup } from 'xstate';
import { type ActorIO, defineActor, defineProtocol, type ProtocolEvent, Type } from '../../src/index.ts';

/*
 * Benchmark actors: a producer that streams envelopes to a consumer as fast as the consumer's window allows, and
 * a consumer that handles each one, either in a fast handler selected by its state or by a machine transition.
 */

export const pipeProtocol = defineProtocol({
  messages: {
    produce: Type.Object({ to: Type.String(), count: Type.Integer({ minimum: 1 }) }),
    item: Type.Object({ n: Type.Integer() }),
    expect: Type.Object({ count: Type.Integer({ minimum: 1 }) }),
    ping: Type.Object({}),
    bump: Type.Object({}),
    get: Type.Object({}),
    crash: Type.Object({}),
  },
  replies: {
    expect: Type.Object({ handled: Type.Integer() }),
    ping: Type.Object({}),
    get: Type.Object({ bumps: Type.Integer() }),
  },
});

let handled = 0;
let target = 0;
let done: (() => void) | undefined;

function countOne(): void {
  handled += 1;
  if (handled === target) done?.();
}

const consumerMachine = setup({
  types: { context: {} as { bumps: number }, events: {} as ProtocolEvent<typeof pipeProtocol> },
  actions: {
    count: () => countOne(),
    expect: () => undefined,
    pong: () => undefined,
    produce: () => undefined,
    answer: () => undefined,
    crash: () => {
      throw new Error('crashed on purpose by the restart benchmark');
    },
  },
}).createMachine({
  id: 'pipe',
  context: { bumps: 0 },
  initial: 'open',
  states: { open: {} },
  on: {
    item: { actions: 'count' },
    expect: { actions: 'expect' },
    ping: { actions: 'pong' },
    produce: { actions: 'produce' },
    bump: { actions: assign({ bumps: ({ context }) => context.bumps + 1 }) },
    get: { actions: 'answer' },
    crash: { actions: 'crash' },
  },
});

async function produce(io: ActorIO, to: string, count: number) {
  for (let n = 1; n <= count; n += 1) {
    if (!io.tell(to, 'item', { n })) await io.writable();
  }
}

const effects = (io: ActorIO) => ({
  actions: {
    expect: ({ event }: { event: ProtocolEvent<typeof pipeProtocol> }) => {
      if (event.type !== 'expect') return;
      handled = 0;
      target = event.payload.count;
      const meta = event.meta;
      done = () => io.reply(meta, { handled });
    },
    pong: ({ event }: { event: ProtocolEvent<typeof pipeProtocol> }) => {
      if (event.type === 'ping') io.reply(event.meta, {});
    },
    answer: ({
      context,
      event,
    }: {
      context: { bumps: number };
      event: ProtocolEvent<typeof pipeProtocol>;
    }) => {
      if (event.type === 'get') io.reply(event.meta, { bumps: context.bumps });
    },
    produce: ({ event }: { event: ProtocolEvent<typeof pipeProtocol> }) => {
      if (event.type === 'produce') void produce(io, event.payload.to, event.payload.count);
    },
  },
});

/** Handles `item` in a fast handler (no transition per message), as high-rate actors do. */
export const pipeActor = defineActor({
  kind: 'pipe',
  protocol: pipeProtocol,
  machine: consumerMachine,
  effects,
  handlers: { item: () => countOne() },
});

/** Handles `item` with a machine transition per message. */
export const pipeTransitionActor = defineActor({
  kind: 'pipe-transition',
  protocol: pipeProtocol,
  machine: consumerMachine,
  effects,
});
