import { assign, setup } from 'xstate';
import { defineActor, defineProtocol, type ProtocolEvent, Type } from '../index.ts';

/*
 * The demo supervision tree that `npm start` runs until the trading actors exist: a pulse that beats on a timer
 * (an XState `after` transition, re-armed across restarts) and a tally that counts the beats it receives.
 */

export const pulseProtocol = defineProtocol({
  messages: {
    configure: Type.Object({ everyMs: Type.Integer({ minimum: 1 }) }),
    crash: Type.Object({}),
  },
});

export const pulseActor = defineActor({
  kind: 'pulse',
  protocol: pulseProtocol,
  machine: setup({
    types: {
      context: {} as { everyMs: number; beats: number },
      events: {} as ProtocolEvent<typeof pulseProtocol>,
      input: {} as { everyMs?: number } | undefined,
    },
    actions: {
      beat: () => undefined,
      crash: () => {
        throw new Error('pulse crashed on request');
      },
    },
    delays: { period: ({ context }) => context.everyMs },
  }).createMachine({
    id: 'pulse',
    context: ({ input }) => ({ everyMs: input?.everyMs ?? 100, beats: 0 }),
    initial: 'waiting',
    on: {
      configure: { actions: assign({ everyMs: ({ event }) => event.payload.everyMs }) },
      crash: { actions: 'crash' },
    },
    states: {
      waiting: {
        after: {
          period: {
            target: 'waiting',
            reenter: true,
            actions: ['beat', assign({ beats: ({ context }) => context.beats + 1 })],
          },
        },
      },
    },
  }),
  effects: (io) => ({
    actions: {
      beat: ({ context }) => {
        io.tell('tally', 'beat', { n: context.beats + 1 });
      },
    },
  }),
});

export const tallyProtocol = defineProtocol({
  messages: {
    beat: Type.Object({ n: Type.Integer({ minimum: 1 }) }),
    stats: Type.Object({}),
  },
  replies: {
    stats: Type.Object({ beats: Type.Integer(), last: Type.Integer() }),
  },
});

export const tallyActor = defineActor({
  kind: 'tally',
  protocol: tallyProtocol,
  machine: setup({
    types: {
      context: {} as { beats: number; last: number },
      events: {} as ProtocolEvent<typeof tallyProtocol>,
    },
    actions: { answer: () => undefined },
  }).createMachine({
    id: 'tally',
    context: { beats: 0, last: 0 },
    on: {
      beat: {
        actions: assign({ beats: ({ context }) => context.beats + 1, last: ({ event }) => event.payload.n }),
      },
      stats: { actions: 'answer' },
    },
  }),
  effects: (io) => ({
    actions: {
      answer: ({ context, event }) => {
        if (event.type === 'stats') io.reply(event.meta, { beats: context.beats, last: context.last });
      },
    },
  }),
});
