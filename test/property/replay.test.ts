import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { executionActor } from '../../actors/execution/worker.ts';
import { portfolioActor } from '../../actors/portfolio/worker.ts';
import { riskActor } from '../../actors/risk/worker.ts';
import { ActorCell } from '../../src/runtime/actor-cell.ts';
import type { ActorDefinition } from '../../src/runtime/actor-definition.ts';
import type { Envelope } from '../../src/runtime/envelope.ts';
import { silentIO } from '../../src/runtime/silent-io.ts';
import { btcOrder, btcSpec } from '../fixtures/instruments.ts';

/*
 * Risk, execution and the portfolio are declared replayable: their state after a snapshot and the messages that
 * followed it, replayed, must equal the state of the actor that handled them live. A message sequence and the
 * point of the snapshot are chosen at random. Every message that changed the state must have been reported as a
 * change, or a worker would not journal it for the replay.
 */

const envelope = (to: string, n: number, type: string, payload: unknown): Envelope => ({
  id: `e${n}`,
  from: 'test',
  to,
  type,
  payload,
  timestamp: 1_000 + n * 7,
  correlationId: `c${n}`,
});

function replayMatchesLive(
  definition: ActorDefinition,
  input: unknown,
  messages: Envelope[],
  cut: number,
): void {
  const live = new ActorCell(definition, { id: definition.kind, io: silentIO(definition.kind), input });
  live.takeChanged();
  for (const message of messages) {
    const was = structuredClone(live.view());
    expect(live.deliver(message)).toEqual({ ok: true });
    // A worker journals a replayable actor's message only when its state changed (fast handlers say so).
    const changed = live.takeChanged();
    const now = structuredClone(live.view());
    if (!changed)
      expect({ value: now.value, context: now.context }).toEqual({ value: was.value, context: was.context });
  }
  const before = new ActorCell(definition, { id: definition.kind, io: silentIO(definition.kind), input });
  for (const message of messages.slice(0, cut)) before.deliver(message);
  const saved = structuredClone(before.persistedState());
  const restored = new ActorCell(definition, {
    id: definition.kind,
    io: silentIO(definition.kind),
    input,
    restored: saved,
    replay: structuredClone(messages.slice(cut)),
    mute: () => undefined,
  });
  expect(structuredClone(restored.view().context)).toEqual(structuredClone(live.view().context));
  expect(restored.view().value).toEqual(live.view().value);
  for (const cell of [live, before, restored]) cell.stop();
}

const ids = fc.integer({ min: 1, max: 4 });

describe('replay of journaled messages on a snapshot equals live handling', () => {
  it('execution', () => {
    const step = fc.oneof(
      ids.map((i) => ['submitOrder', { order: btcOrder(`o${i}`) }] as const),
      ids.map(
        (i) =>
          [
            'venueEvent',
            { clientOrderId: `o${i}`, event: { type: 'Accepted', venueOrderId: `v${i}` } },
          ] as const,
      ),
      fc.tuple(ids, fc.integer({ min: 1, max: 9 })).map(
        ([i, q]) =>
          [
            'venueEvent',
            {
              clientOrderId: `o${i}`,
              event: { type: 'Filled', tradeId: `t${i}-${q}`, quantity: `0.${q}`, price: '20000.00' },
            },
          ] as const,
      ),
      ids.map((i) => ['cancelOrder', { clientOrderId: `o${i}` }] as const),
      ids.map((i) => ['venueEvent', { clientOrderId: `o${i}`, event: { type: 'Canceled' } }] as const),
      fc
        .integer({ min: 19_000, max: 21_000 })
        .map((p) => ['marketPrice', { instrumentId: btcSpec.id, price: `${p}.00` }] as const),
      fc.constant(['checkInFlight', {}] as const),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.nat(), (steps, at) => {
        const messages = steps.map(([type, payload], n) => envelope('execution', n, type, payload));
        const input = {
          instruments: [btcSpec],
          inFlightCheckMs: 0,
          inFlightTimeoutMs: 20,
          notifyStrategies: false,
        };
        replayMatchesLive(
          executionActor,
          input,
          messages,
          messages.length === 0 ? 0 : at % (messages.length + 1),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('risk', () => {
    const step = fc.oneof(
      fc
        .tuple(ids, fc.integer({ min: 1, max: 30 }))
        .map(([i, q]) => ['submit', { order: btcOrder(`o${i}-${q}`, { quantity: `0.${q}` }) }] as const),
      fc
        .integer({ min: 0, max: 100_000 })
        .map((free) => ['balance', { currency: 'USDT', free: `${free}` }] as const),
      fc
        .constantFrom('ACTIVE', 'REDUCING', 'HALTED')
        .map((state) => ['setTradingState', { state, reason: 'test' }] as const),
      ids.map((i) => ['orderClosed', { clientOrderId: `o${i}-1` }] as const),
      fc
        .integer({ min: -2, max: 2 })
        .map((q) => ['position', { instrumentId: btcSpec.id, quantity: `${q}` }] as const),
      fc.constant(['venueReconciled', { venue: 'SIM' }] as const),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.nat(), (steps, at) => {
        const messages = steps.map(([type, payload], n) => envelope('risk', n, type, payload));
        const input = {
          instruments: [btcSpec],
          limits: { maxOpenOrders: 5, submitRatePerSecond: 3 },
          venues: ['SIM'],
          bootId: 'b',
        };
        replayMatchesLive(riskActor, input, messages, messages.length === 0 ? 0 : at % (messages.length + 1));
      }),
      { numRuns: 150 },
    );
  });

  it('portfolio', () => {
    const order = (i: number, status: string, filled = '0') => ({
      clientOrderId: `o${i}`,
      instrumentId: btcSpec.id,
      side: i % 2 === 0 ? 'BUY' : 'SELL',
      quantity: '1',
      filledQuantity: filled,
      price: '20000.00',
      status,
    });
    const step = fc.oneof(
      fc
        .integer({ min: 1, max: 100_000 })
        .map((amount) => ['deposit', { currency: 'USDT', amount: `${amount}` }] as const),
      ids.map((i) => ['orderEvent', { order: order(i, 'SUBMITTED'), event: { type: 'Submitted' } }] as const),
      ids.map((i) => ['orderEvent', { order: order(i, 'CANCELED'), event: { type: 'Canceled' } }] as const),
      fc.tuple(ids, fc.integer({ min: 1, max: 9 })).map(
        ([i, q]) =>
          [
            'fill',
            {
              order: order(i, 'PARTIALLY_FILLED', `0.${q}`),
              fill: {
                type: 'Filled',
                tradeId: `t${i}-${q}`,
                quantity: `0.${q}`,
                price: '20000.00',
                commission: '0.1',
              },
            },
          ] as const,
      ),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.nat(), (steps, at) => {
        const messages = steps.map(([type, payload], n) => envelope('portfolio', n, type, payload));
        const input = { instruments: [btcSpec], balances: { USDT: '100000', BTC: '10' } };
        replayMatchesLive(
          portfolioActor,
          input,
          messages,
          messages.length === 0 ? 0 : at % (messages.length + 1),
        );
      }),
      { numRuns: 150 },
    );
  });
});
