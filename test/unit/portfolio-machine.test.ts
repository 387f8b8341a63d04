import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import type { BookUpdate } from '../../actors/portfolio/book.ts';
import { portfolioMachine } from '../../actors/portfolio/machine.ts';
import { btcSpec } from '../fixtures/instruments.ts';

describe('the portfolio machine', () => {
  it('starts with the balances it is given and tells them at once, before any order can come', () => {
    const emitted: BookUpdate[][] = [];
    const actor = createActor(
      portfolioMachine.provide({
        actions: {
          emit: ({ context }) => {
            emitted.push(context.outbox);
          },
        },
      }),
      { input: { instruments: [btcSpec], balances: { USDT: '1000.50', BTC: '2' } } },
    );
    actor.start();
    expect(emitted).toEqual([
      [
        { kind: 'balance', currency: 'USDT', free: '1000.50' },
        { kind: 'balance', currency: 'BTC', free: '2' },
      ],
    ]);
    expect(actor.getSnapshot().context.balances).toMatchObject({ USDT: { total: '1000.50' } });
  });
});
