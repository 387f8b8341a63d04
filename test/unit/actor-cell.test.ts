import { describe, expect, it } from 'vitest';
import { ActorCell } from '../../src/runtime/actor-cell.ts';
import type { ActorIO } from '../../src/runtime/actor-definition.ts';
import { defineActor } from '../../src/runtime/actor-definition.ts';
import { createEnvelope } from '../../src/runtime/envelope.ts';
import { silentIO } from '../../src/runtime/silent-io.ts';
import { counterActor } from '../fixtures/counter.ts';

/** The effects of a cell under test: replies are captured, nothing else leaves. */
function testIO(replies: unknown[]): ActorIO {
  return {
    ...silentIO('c'),
    now: Date.now,
    tell: () => true,
    ask: () => Promise.reject(new Error('no asks in this test')),
    writable: () => Promise.resolve(),
    room: (_to, limit = Number.POSITIVE_INFINITY) => limit,
    journal: () => undefined,
    reply: (_request, payload) => replies.push(payload),
  };
}

const message = (type: string, payload: unknown) =>
  createEnvelope('$main', 'c', type, payload, { replyTo: '$main#1' });

describe('actor cell (the same machine inline, as in a worker)', () => {
  it('handles valid messages and refuses invalid ones without changing state', () => {
    const replies: unknown[] = [];
    const cell = new ActorCell(counterActor, { id: 'c', io: testIO(replies) });
    expect(cell.deliver(message('inc', { by: 2 }))).toEqual({ ok: true });
    expect(cell.deliver(message('inc', { by: 'x' }))).toMatchObject({
      ok: false,
      rejected: /Expected integer/,
    });
    expect(cell.deliver(message('launch', {}))).toMatchObject({
      ok: false,
      rejected: "unknown message type 'launch'",
    });
    cell.deliver(message('get', {}));
    expect(replies).toEqual([{ count: 2, mode: 'idle' }]);
    expect(cell.counters).toEqual({ processed: 2, rejected: 2 });
  });

  it('reports an error thrown in an action as a failure instead of letting XState rethrow it', () => {
    const cell = new ActorCell(counterActor, { id: 'c', io: testIO([]) });
    const failures: unknown[] = [];
    cell.onFailure = (error) => failures.push(error);
    const result = cell.deliver(message('crash', {}));
    expect(result).toMatchObject({ ok: false });
    expect((failures[0] as Error).message).toBe('counter crashed on purpose');
    expect(cell.isRunning).toBe(false);
    expect(cell.deliver(message('inc', { by: 1 }))).toMatchObject({ ok: false });
  });

  it('reports completion with the machine output', () => {
    const cell = new ActorCell(counterActor, { id: 'c', io: testIO([]) });
    const outputs: unknown[] = [];
    cell.onDone = (output) => outputs.push(output);
    cell.deliver(message('finish', { reason: 'shutdown' }));
    expect(outputs).toEqual([{ reason: 'shutdown' }]);
  });

  it('persists pending timers with the snapshot and re-arms them on restore', async () => {
    const first = new ActorCell(counterActor, { id: 'c', io: testIO([]) });
    first.deliver(message('arm', { ms: 60 }));
    const saved = first.persistedState();
    first.stop();
    expect(saved.timers).toHaveLength(1);
    expect(saved.timers[0]?.delay).toBe(60);

    const restored = new ActorCell(counterActor, {
      id: 'c',
      io: testIO([]),
      restored: structuredClone(saved),
    });
    expect(restored.view().value).toBe('armed');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(restored.view()).toMatchObject({ value: 'idle', context: { count: 1000 } });
  });

  it('only reports a changed state when something changed', () => {
    const cell = new ActorCell(counterActor, { id: 'c', io: testIO([]) });
    expect(cell.takeChangedState()).toBeDefined();
    expect(cell.takeChangedState()).toBeUndefined();
    cell.deliver(message('inc', { by: 1 }));
    expect(cell.takeChangedState()).toBeDefined();
    cell.deliver(message('get', {}));
    expect(cell.takeChangedState()).toBeUndefined();
    cell.deliver(message('arm', { ms: 10_000 }));
    expect(cell.takeChangedState()?.timers).toHaveLength(1);
    cell.stop();
  });

  it('saves what a fast handler changed in place only when it says so, and names the fields on its span', () => {
    const inPlace = defineActor({
      ...counterActor,
      handlers: {
        // Counts in place and says so; `get` reads only.
        inc: (message, actor) => {
          actor.snapshot.context.count += (message.payload as { by: number }).by;
          actor.changed('count');
        },
        get: (message, actor, io) => io.reply(message.meta, { count: actor.snapshot.context.count }),
        // Computes the next fields; only the one replaced is named.
        record: (message, actor) => {
          const { context } = actor.snapshot;
          actor.update({
            count: context.count,
            seen: [...context.seen, (message.payload as { n: number }).n],
          });
        },
      },
    });
    const replies: unknown[] = [];
    const ended: string[][] = [];
    const telemetry = {
      begin: () => ({}),
      end: (_handling: unknown, _state: unknown, _error: unknown, fields: readonly string[]) =>
        ended.push([...fields]),
      rejected: () => undefined,
    };
    const cell = new ActorCell(inPlace, { id: 'c', io: testIO(replies), telemetry: telemetry as never });
    cell.takeChangedState();
    cell.deliver(message('get', {}));
    expect(cell.takeChanged()).toBe(false);
    cell.deliver(message('inc', { by: 2 }));
    expect(cell.takeChanged()).toBe(true);
    expect(cell.takeChanged()).toBe(false);
    cell.deliver(message('get', {}));
    expect(replies).toEqual([{ count: 0 }, { count: 2 }]);
    expect(ended).toEqual([[], ['count'], []]);
    cell.deliver(message('record', { n: 7 }));
    expect(cell.takeChanged()).toBe(true);
    expect((cell.view().context as { seen: number[] }).seen).toEqual([7]);
    expect(ended.at(-1)).toEqual(['seen']);
    cell.stop();
  });
});
