import { assign, setup } from 'xstate';
import { defineActor, defineProtocol, type ProtocolEvent, Type } from '../src/index.ts';

/*
 * Two actors of a host application that knows nothing of trading: a ledger that keeps balances, and a teller
 * that takes deposits and passes them on to the ledger. The teller can be told to crash, to show a restart.
 */

export const ledgerProtocol = defineProtocol({
  messages: {
    deposit: Type.Object({ account: Type.String({ minLength: 1 }), cents: Type.Integer({ minimum: 1 }) }),
    balance: Type.Object({ account: Type.String({ minLength: 1 }) }),
  },
  replies: {
    balance: Type.Object({ account: Type.String(), cents: Type.Integer() }),
  },
});

export const ledgerActor = defineActor({
  kind: 'ledger',
  protocol: ledgerProtocol,
  machine: setup({
    types: {
      context: {} as { balances: Record<string, number> },
      events: {} as ProtocolEvent<typeof ledgerProtocol>,
    },
    actions: { answerBalance: () => undefined },
  }).createMachine({
    id: 'ledger',
    context: { balances: {} },
    on: {
      deposit: {
        actions: assign({
          balances: ({ context, event }) => ({
            ...context.balances,
            [event.payload.account]: (context.balances[event.payload.account] ?? 0) + event.payload.cents,
          }),
        }),
      },
      balance: { actions: 'answerBalance' },
    },
  }),
  effects: (io) => ({
    actions: {
      answerBalance: ({ context, event }) => {
        if (event.type !== 'balance') return;
        const { account } = event.payload;
        io.reply(event.meta, { account, cents: context.balances[account] ?? 0 });
      },
    },
  }),
});

export const tellerProtocol = defineProtocol({
  messages: {
    deposit: Type.Object({ account: Type.String({ minLength: 1 }), cents: Type.Integer({ minimum: 1 }) }),
    stats: Type.Object({}),
    crash: Type.Object({}),
  },
  replies: {
    stats: Type.Object({ handled: Type.Integer() }),
  },
});

export const tellerActor = defineActor({
  kind: 'teller',
  protocol: tellerProtocol,
  machine: setup({
    types: {
      context: {} as { handled: number },
      events: {} as ProtocolEvent<typeof tellerProtocol>,
    },
    actions: {
      passOn: () => undefined,
      answerStats: () => undefined,
      crash: () => {
        throw new Error('the teller tripped');
      },
    },
  }).createMachine({
    id: 'teller',
    context: { handled: 0 },
    on: {
      deposit: { actions: ['passOn', assign({ handled: ({ context }) => context.handled + 1 })] },
      stats: { actions: 'answerStats' },
      crash: { actions: 'crash' },
    },
  }),
  effects: (io) => ({
    actions: {
      passOn: ({ event }) => {
        if (event.type === 'deposit') io.tell('ledger', 'deposit', event.payload);
      },
      answerStats: ({ context, event }) => {
        if (event.type === 'stats') io.reply(event.meta, { handled: context.handled });
      },
    },
  }),
});
