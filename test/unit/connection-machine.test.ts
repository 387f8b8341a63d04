import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { connectionMachine } from '../../actors/adapters/connection-machine.ts';

/** Lets the promise actors settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function start(failures: number, options: { maxAttempts?: number; seed?: number } = {}) {
  const clock = new SimulatedClock();
  let calls = 0;
  const machine = connectionMachine.provide({
    actors: {
      openConnection: fromPromise(async () => {
        calls += 1;
        if (calls <= failures) throw new Error(`refused ${calls}`);
      }),
    },
  });
  const actor = createActor(machine, {
    clock,
    input: { venue: 'SIM', backoff: { minMs: 100, maxMs: 1000, jitter: 0.5 }, ...options },
  });
  const states: string[] = [];
  actor.subscribe((snapshot) => {
    if (states.at(-1) !== snapshot.value) states.push(snapshot.value as string);
  });
  actor.start();
  return { actor, clock, states, calls: () => calls };
}

describe('venue connection state machine', () => {
  it('retries with growing, jittered delays and connects', async () => {
    const { actor, clock, states } = start(3, { seed: 42 });
    actor.send({ type: 'connect' });
    const delays: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      await settle();
      expect(actor.getSnapshot().value).toBe('reconnecting');
      const delay = actor.getSnapshot().context.nextDelayMs;
      delays.push(delay);
      clock.increment(delay - 1);
      expect(actor.getSnapshot().value).toBe('reconnecting');
      clock.increment(1);
    }
    await settle();
    expect(actor.getSnapshot().value).toBe('connected');
    expect(actor.getSnapshot().context.attempt).toBe(0);
    expect(states).toEqual([
      'disconnected',
      'connecting',
      'reconnecting',
      'connecting',
      'reconnecting',
      'connecting',
      'reconnecting',
      'connecting',
      'connected',
    ]);
    delays.forEach((delay, attempt) => {
      const base = Math.min(1000, 100 * 2 ** attempt);
      expect(delay).toBeGreaterThanOrEqual(base);
      expect(delay).toBeLessThanOrEqual(base * 1.5);
    });
    expect(start(3, { seed: 42 }).actor.getSnapshot().context.rng).toEqual(
      start(3, { seed: 42 }).actor.getSnapshot().context.rng,
    );
  });

  it('fails after too many attempts and waits for a new connect; a lost connection reconnects', async () => {
    const { actor, clock, calls } = start(2, { maxAttempts: 2 });
    actor.send({ type: 'connect' });
    await settle();
    clock.increment(actor.getSnapshot().context.nextDelayMs);
    await settle();
    expect(actor.getSnapshot().value).toBe('failed');
    expect(actor.getSnapshot().context.lastError).toContain('refused 2');
    clock.increment(60_000);
    expect(calls()).toBe(2);
    actor.send({ type: 'connect' });
    await settle();
    expect(actor.getSnapshot().value).toBe('connected');
    actor.send({ type: 'lost', reason: 'socket closed' });
    expect(actor.getSnapshot().value).toBe('reconnecting');
    clock.increment(actor.getSnapshot().context.nextDelayMs);
    await settle();
    expect(actor.getSnapshot().value).toBe('connected');
    actor.send({ type: 'disconnect' });
    await settle();
    expect(actor.getSnapshot().value).toBe('disconnected');
  });
});
