import { describe, expect, it } from 'vitest';
import { counterProtocol } from '../fixtures/counter.ts';
import { counter, sleep, startSystem, waitFor } from '../support/system.ts';

describe('restarting an actor from its persisted state', () => {
  it('re-arms a pending delayed transition after the restore (XState drops it)', async () => {
    const t = await startSystem([{ id: 'timer', start: counter() }]);
    try {
      const timer = t.system.ref('timer', counterProtocol);
      timer.tell('arm', { ms: 4000 });
      await waitFor(async () => ((await t.system.inspect('timer')) as { value: string }).value === 'armed');
      timer.tell('crash', {});
      await waitFor(() => t.events.some((e) => e.type === 'child-restarted'), 10_000, 'restart');
      expect(((await t.system.inspect('timer')) as { value: string }).value).toBe('armed');
      await waitFor(
        async () => (await timer.ask('get', {})).count === 1000,
        8000,
        'the re-armed timer to fire',
      );
      expect(((await t.system.inspect('timer')) as { value: string }).value).toBe('idle');
    } finally {
      await t.system.stop();
    }
  });

  it('holds messages sent while the actor restarts and delivers them after, in order', async () => {
    const t = await startSystem([
      { id: 'sink', start: counter() },
      { id: 'source', start: counter() },
    ]);
    try {
      const sink = t.system.ref('sink', counterProtocol);
      const source = t.system.ref('source', counterProtocol);
      for (let n = 1; n <= 50; n += 1) source.tell('relay', { to: 'sink', n });
      sink.tell('crash', {});
      for (let n = 51; n <= 100; n += 1) {
        source.tell('relay', { to: 'sink', n });
        sink.tell('record', { n: 1000 + n });
        if (n % 10 === 0) await sleep(20);
      }
      const expectedFromSource = Array.from({ length: 100 }, (_, i) => i + 1);
      const expectedFromMain = Array.from({ length: 50 }, (_, i) => 1051 + i);
      const seen = await waitFor(
        async () => {
          const { seen } = await sink.ask('history', {}, { timeoutMs: 10_000 });
          return seen.length >= 150 ? seen : undefined;
        },
        15_000,
        'all 150 records',
      );
      expect(seen.filter((n) => n < 1000)).toEqual(expectedFromSource);
      expect(seen.filter((n) => n > 1000)).toEqual(expectedFromMain);
      expect(t.system.root.whichChildren().find((c) => c.id === 'sink')?.restarts).toBe(1);
    } finally {
      await t.system.stop();
    }
  });

  it('restarts inline actors from their state too', async () => {
    const t = await startSystem([{ id: 'inline', start: counter({ placement: 'inline' }) }]);
    try {
      const inline = t.system.ref('inline', counterProtocol);
      inline.tell('inc', { by: 5 });
      inline.tell('crash', {});
      inline.tell('inc', { by: 1 });
      await waitFor(async () => (await inline.ask('get', {})).count === 6, 5000, 'inline restart');
      expect(t.system.root.whichChildren()[0]).toMatchObject({ restarts: 1, status: 'running' });
    } finally {
      await t.system.stop();
    }
  });
});
