import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AskTimeoutError,
  DeadLetterError,
  type InspectionRecord,
  MailboxFullError,
  ValidationError,
} from '../../src/index.ts';
import { counterProtocol } from '../fixtures/counter.ts';
import { counter, startSystem, type TestSystem, waitFor } from '../support/system.ts';

describe('messaging between real worker actors', () => {
  let t: TestSystem;

  beforeAll(async () => {
    t = await startSystem([
      { id: 'a', start: counter() },
      { id: 'b', start: counter({ input: { start: 100 } }) },
      { id: 'inline', start: counter({ placement: 'inline' }) },
    ]);
  });
  afterAll(() => t.system.stop());

  it('delivers tells and answers asks with a typed, validated reply', async () => {
    const a = t.system.ref('a', counterProtocol);
    expect(a.tell('inc', { by: 3 })).toBe(true);
    expect(a.tell('inc', { by: 4 })).toBe(true);
    await expect(a.ask('get', {})).resolves.toEqual({ count: 7, mode: 'idle' });
    await expect(t.system.ref('b', counterProtocol).ask('get', {})).resolves.toMatchObject({ count: 100 });
  });

  it('sends worker to worker over a direct link, never through the main thread', async () => {
    const a = t.system.ref('a', counterProtocol);
    const b = t.system.ref('b', counterProtocol);
    const before = (await b.ask('get', {})).count;
    const mainReceivedBefore = t.system.stats().received;
    for (let i = 0; i < 1000; i += 1) a.tell('forward', { to: 'b', by: 1 });
    await waitFor(async () => (await b.ask('get', {})).count === before + 1000, 10_000, 'forwarded incs');
    const relayedThroughMain = t.system.stats().received - mainReceivedBefore;
    // Only the replies to this test's own asks reach the main thread.
    expect(relayedThroughMain).toBeLessThan(100);
  });

  it('reaches inline actors from workers and workers from inline actors', async () => {
    const inline = t.system.ref('inline', counterProtocol);
    const a = t.system.ref('a', counterProtocol);
    const aBefore = (await a.ask('get', {})).count;
    t.system.ref('a', counterProtocol).tell('forward', { to: 'inline', by: 5 });
    inline.tell('forward', { to: 'a', by: 2 });
    await waitFor(async () => (await inline.ask('get', {})).count === 5, 5000, 'inline got forward');
    await waitFor(async () => (await a.ask('get', {})).count === aBefore + 2, 5000, 'worker got forward');
  });

  it('refuses a message that fails its schema at the sender, with where it is wrong', () => {
    const a = t.system.ref('a', counterProtocol);
    expect(() => a.tell('inc', { by: 1.5 })).toThrow(ValidationError);
    expect(() => a.tell('inc', { by: 1.5 })).toThrow(/payload of 'inc' at \/by: Expected integer/);
  });

  it('rejects a bad message at the receiver to the sender and dead letters, without changing state', async () => {
    const a = t.system.ref('a', counterProtocol);
    const unchecked = t.system.ref('a');
    const before = await a.ask('get', {});
    const deadBefore = t.system.deadLetters.count;
    expect(unchecked.tell('inc', { by: 'ten' })).toBe(true);
    await expect(unchecked.ask('inc', { by: 'ten' })).rejects.toThrow(/refused 'inc'.*Expected integer/);
    await expect(unchecked.ask('nonsense', {})).rejects.toThrow(/unknown message type 'nonsense'/);
    await waitFor(() => t.system.deadLetters.count >= deadBefore + 3, 5000, 'dead letters');
    expect(t.system.deadLetters.recent().at(-1)?.reason).toMatch(/unknown message type/);
    await expect(a.ask('get', {})).resolves.toEqual(before);
  });

  it('sends messages to unknown actors to dead letters, and fails asks to them at once', async () => {
    const before = t.system.deadLetters.count;
    expect(t.system.ref('nobody').tell('inc', { by: 1 })).toBe(true);
    await expect(t.system.ref('nobody').ask('get', {})).rejects.toThrow(DeadLetterError);
    t.system.ref('a', counterProtocol).tell('forward', { to: 'ghost', by: 1 });
    await waitFor(
      () => t.system.deadLetters.recent().some((l) => l.to === 'ghost'),
      5000,
      'ghost dead letter',
    );
    expect(t.system.deadLetters.count).toBeGreaterThanOrEqual(before + 3);
  });

  it('times out an ask that gets no reply', async () => {
    const a = t.system.ref('a', counterProtocol);
    await expect(a.ask('inc', { by: 1 }, { timeoutMs: 150 })).rejects.toThrow(AskTimeoutError);
  });

  it('answers the control plane: ping and snapshot', async () => {
    expect(await t.system.ping('a')).toBeGreaterThan(0);
    const snapshot = await t.system.snapshot('b');
    expect(snapshot.machine).toMatchObject({ status: 'active', context: { count: expect.any(Number) } });
    expect(snapshot.endpointKey).toMatch(/^b@/);
    await expect(t.system.ping('inline')).resolves.toBe(0);
  });

  it('inspects an actor across the thread boundary', async () => {
    const view = (await t.system.inspect('b')) as {
      value: unknown;
      context: { count: number };
      status: string;
    };
    expect(view.status).toBe('active');
    expect(view.value).toBe('idle');
    expect(view.context.count).toBeGreaterThanOrEqual(100);
  });
});

describe('bounded mailboxes', () => {
  it('tells the sender when a mailbox is full instead of growing memory, and drains after', async () => {
    const t = await startSystem([{ id: 'slow', start: counter() }], undefined, { window: 32 });
    try {
      const slow = t.system.ref('slow', counterProtocol);
      slow.tell('block', { ms: 600 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      let accepted = 0;
      while (slow.tell('inc', { by: 1 }) && accepted < 10_000) accepted += 1;
      expect(accepted).toBeLessThan(32);
      await expect(slow.ask('get', {})).rejects.toThrow(MailboxFullError);
      await slow.send('inc', { by: 1 }, { timeoutMs: 5000 });
      const drained = await waitFor(async () => {
        const reply = await slow.ask('get', {}).catch(() => undefined);
        return reply?.count === accepted + 1 ? reply : undefined;
      });
      expect(drained.count).toBe(accepted + 1);
    } finally {
      await t.system.stop();
    }
  });
});

describe('inspection', () => {
  it('forwards XState inspection events from a worker, cloneable, with the state after each event', async () => {
    const records: InspectionRecord[] = [];
    const t = await startSystem([{ id: 'seen', start: counter({ inspect: true }) }], undefined, {
      onInspection: (record) => records.push(record),
    });
    try {
      t.system.ref('seen', counterProtocol).tell('inc', { by: 2 });
      await waitFor(() => records.some((r) => r.type === '@xstate.snapshot' && r.event === 'inc'), 5000);
      const snapshot = records.find((r) => r.type === '@xstate.snapshot' && r.event === 'inc');
      expect(snapshot).toMatchObject({
        actor: 'seen',
        value: 'idle',
        status: 'active',
        context: { count: 2 },
      });
      expect(records.some((r) => r.type === '@xstate.event' && r.event === 'inc')).toBe(true);
    } finally {
      await t.system.stop();
    }
  });
});

describe('backpressure between actors', () => {
  it('holds an actor’s sends beyond a full window and pauses its input, losing nothing', async () => {
    const t = await startSystem(
      [
        { id: 'producer', start: counter() },
        { id: 'consumer', start: counter() },
      ],
      undefined,
      { window: 16 },
    );
    try {
      const producer = t.system.ref('producer', counterProtocol);
      const consumer = t.system.ref('consumer', counterProtocol);
      consumer.tell('block', { ms: 300 });
      for (let i = 0; i < 500; i += 1)
        await producer.send('forward', { to: 'consumer', by: 1 }, { timeoutMs: 20_000 });
      const done = await waitFor(
        async () => {
          const { count } = await consumer.ask('get', {}, { timeoutMs: 10_000 }).catch(() => ({ count: -1 }));
          return count === 500 ? count : undefined;
        },
        30_000,
        'all 500 forwarded increments',
      );
      expect(done).toBe(500);
      // One turn sending far more than a window, to an actor not yet linked: all of it arrives.
      await t.system.root.startChild({ id: 'fresh', start: counter() });
      producer.tell('burst', { to: 'fresh', count: 300 });
      const fresh = t.system.ref('fresh', counterProtocol);
      await waitFor(
        async () => (await fresh.ask('get', {}).catch(() => ({ count: -1 }))).count === 300,
        20_000,
        'burst',
      );
    } finally {
      await t.system.stop();
    }
  });
});

describe('backpressure in a cycle', () => {
  it('two actors flooding each other both get through: one that holds for a peer still takes that peer’s input', async () => {
    const t = await startSystem(
      [
        { id: 'a', start: counter() },
        { id: 'b', start: counter() },
      ],
      undefined,
      { window: 16 },
    );
    try {
      const a = t.system.ref('a', counterProtocol);
      a.tell('volley', { to: 'b', count: 400 });
      const done = await waitFor(
        async () => {
          const { count } = await a.ask('get', {}, { timeoutMs: 5_000 }).catch(() => ({ count: -1 }));
          return count === 400 ? count : undefined;
        },
        20_000,
        'all 400 increments back at a',
      );
      expect(done).toBe(400);
    } finally {
      await t.system.stop();
    }
  });

  it('three actors in a circle, each flooding the next, all get through', async () => {
    const t = await startSystem(
      [
        { id: 'a', start: counter() },
        { id: 'b', start: counter() },
        { id: 'c', start: counter() },
      ],
      undefined,
      { window: 16 },
    );
    try {
      const a = t.system.ref('a', counterProtocol);
      a.tell('circle', { route: ['b', 'c', 'a'], count: 400 });
      const done = await waitFor(
        async () => {
          const { count } = await a.ask('get', {}, { timeoutMs: 5_000 }).catch(() => ({ count: -1 }));
          return count === 400 ? count : undefined;
        },
        20_000,
        'all 400 passes around the circle',
      );
      expect(done).toBe(400);
    } finally {
      await t.system.stop();
    }
  });

  it('an inline actor sending far beyond its mailbox bound in one turn loses nothing', async () => {
    const t = await startSystem(
      [
        { id: 'producer', start: counter({ placement: 'inline', persist: false }) },
        { id: 'consumer', start: counter({ placement: 'inline', persist: false }) },
      ],
      undefined,
      { window: 16 },
    );
    try {
      t.system.ref('producer', counterProtocol).tell('burst', { to: 'consumer', count: 500 });
      const consumer = t.system.ref('consumer', counterProtocol);
      await waitFor(
        async () => (await consumer.ask('get', {})).count === 500,
        10_000,
        'all 500 at the consumer',
      );
    } finally {
      await t.system.stop();
    }
  });
});
