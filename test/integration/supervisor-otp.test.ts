import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type ActorStart,
  ActorSystem,
  ChildRestartingError,
  type ChildSpec,
  type SupervisorEvent,
  ValidationError,
} from '../../src/index.ts';
import { counterProtocol } from '../fixtures/counter.ts';
import { fragileModule } from '../fixtures/fragile.ts';
import { counter, sleep, startSystem, waitFor } from '../support/system.ts';

/* OTP supervisor behaviours (after OTP's supervisor_SUITE), with every child a real worker thread. */

const started = (events: SupervisorEvent[]) =>
  events.filter((e) => e.type === 'child-started' || e.type === 'child-restarted').map((e) => e.child);
const stopped = (events: SupervisorEvent[]) =>
  events.filter((e) => e.type === 'child-stopped').map((e) => e.child);
const restartsOf = (system: ActorSystem, id: string) =>
  system.root.whichChildren().find((c) => c.id === id)?.restarts;

describe('restart types', () => {
  const table: Array<[ChildSpec<ActorStart>['restart'], 'normal' | 'shutdown' | 'crash', boolean]> = [
    ['permanent', 'normal', true],
    ['permanent', 'crash', true],
    ['transient', 'normal', false],
    ['transient', 'shutdown', false],
    ['transient', 'crash', true],
    ['temporary', 'normal', false],
    ['temporary', 'crash', false],
  ];
  for (const [restart, exit, restarted] of table) {
    it(`${restart} child exiting ${exit} is ${restarted ? '' : 'not '}restarted`, async () => {
      const t = await startSystem([{ id: 'child', restart, start: counter() }]);
      try {
        const child = t.system.ref('child', counterProtocol);
        if (exit === 'crash') child.tell('crash', {});
        else child.tell('finish', exit === 'shutdown' ? { reason: 'shutdown' } : {});
        await waitFor(
          () => t.events.some((e) => e.type === 'child-failed' || e.type === 'child-exited'),
          10_000,
        );
        await sleep(300);
        const info = t.system.root.whichChildren().find((c) => c.id === 'child');
        if (restarted) {
          await waitFor(() => t.system.root.whichChildren()[0]?.status === 'running');
          await expect(child.ask('get', {})).resolves.toBeDefined();
        } else if (restart === 'temporary') {
          expect(info).toBeUndefined();
        } else {
          expect(info?.status).toBe('stopped');
        }
        expect(t.system.root.whichChildren().length === 1 || restart === 'temporary').toBe(true);
      } finally {
        await t.system.stop();
      }
    });
  }
});

describe('restart intensity', () => {
  it('one_for_one with intensity 2 escalates on the third crash within the period', async () => {
    const t = await startSystem([{ id: 'c', start: counter() }], {
      strategy: 'one_for_one',
      intensity: 2,
      periodMs: 30_000,
    });
    const c = t.system.ref('c', counterProtocol);
    for (let i = 1; i <= 2; i += 1) {
      c.tell('crash', {});
      await waitFor(() => restartsOf(t.system, 'c') === i, 10_000, `restart ${i}`);
    }
    c.tell('crash', {});
    const reason = await t.system.whenTerminated();
    expect(reason).toMatchObject({ type: 'failure', kind: 'escalated' });
    expect(t.events.some((e) => e.type === 'escalated')).toBe(true);
    expect(t.system.root.whichChildren().every((child) => child.status !== 'running')).toBe(true);
    await t.system.stop();
  });

  it('crashes spaced wider than the period never escalate', async () => {
    const t = await startSystem([{ id: 'c', start: counter() }], {
      strategy: 'one_for_one',
      intensity: 1,
      periodMs: 700,
    });
    try {
      const c = t.system.ref('c', counterProtocol);
      for (let i = 1; i <= 3; i += 1) {
        c.tell('crash', {});
        await waitFor(() => restartsOf(t.system, 'c') === i, 10_000, `restart ${i}`);
        await sleep(800);
      }
      expect(t.events.some((e) => e.type === 'escalated')).toBe(false);
    } finally {
      await t.system.stop();
    }
  });

  it('a child whose restart keeps failing escalates', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'foxtrot-')), 'fail-start');
    const t = await startSystem(
      [
        {
          id: 'fragile',
          start: {
            actor: { module: fragileModule, export: 'fragileActor' },
            persist: false,
            input: { failIfExists: marker },
          },
        },
      ],
      { strategy: 'one_for_one', intensity: 3, periodMs: 30_000 },
    );
    writeFileSync(marker, 'x');
    t.system.ref('fragile').tell('crash', {});
    const reason = await t.system.whenTerminated();
    expect(reason).toMatchObject({ type: 'failure', kind: 'escalated' });
    await t.system.stop();
  });
});

describe('strategies', () => {
  it('one_for_all restarts all children', async () => {
    const t = await startSystem(
      [
        { id: 'a', start: counter({ persist: false }) },
        { id: 'b', start: counter({ persist: false }) },
        { id: 'c', start: counter({ persist: false }) },
      ],
      { strategy: 'one_for_all', intensity: 5, periodMs: 10_000 },
    );
    try {
      for (const id of ['a', 'b', 'c']) t.system.ref(id, counterProtocol).tell('inc', { by: 1 });
      // Handled and acknowledged everywhere: a non-persistent actor gets again only what it had not committed.
      for (const id of ['a', 'b', 'c']) await t.system.ref(id, counterProtocol).ask('get', {});
      const before = t.events.length;
      t.system.ref('b', counterProtocol).tell('crash', {});
      await waitFor(() => started(t.events.slice(before)).length === 3, 10_000, 'three restarts');
      expect(stopped(t.events.slice(before))).toEqual(['c', 'a']);
      expect(started(t.events.slice(before))).toEqual(['a', 'b', 'c']);
      for (const id of ['a', 'b', 'c']) {
        await expect(t.system.ref(id, counterProtocol).ask('get', {})).resolves.toMatchObject({ count: 0 });
      }
    } finally {
      await t.system.stop();
    }
  });

  it('rest_for_one with five children: crash 3, then 5 and 4 stop in that order, 3-5 restart in order', async () => {
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5'];
    const t = await startSystem(
      ids.map((id) => ({ id, start: counter() })),
      { strategy: 'rest_for_one', intensity: 5, periodMs: 10_000 },
    );
    try {
      const before = t.events.length;
      t.system.ref('c3', counterProtocol).tell('crash', {});
      await waitFor(() => started(t.events.slice(before)).length === 3, 10_000, 'three restarts');
      expect(stopped(t.events.slice(before))).toEqual(['c5', 'c4']);
      expect(started(t.events.slice(before))).toEqual(['c3', 'c4', 'c5']);
      const restarts = Object.fromEntries(t.system.root.whichChildren().map((c) => [c.id, c.restarts]));
      expect(restarts.c1).toBe(0);
      expect(restarts.c2).toBe(0);
    } finally {
      await t.system.stop();
    }
  });

  it('a temporary bystander is not restarted when a sibling takes it down', async () => {
    const t = await startSystem(
      [
        { id: 'main', start: counter() },
        { id: 'bystander', restart: 'temporary', start: counter() },
      ],
      { strategy: 'one_for_all', intensity: 5, periodMs: 10_000 },
    );
    try {
      t.system.ref('main', counterProtocol).tell('crash', {});
      await waitFor(() => t.events.some((e) => e.type === 'child-restarted' && e.child === 'main'), 10_000);
      expect(t.system.root.whichChildren().map((c) => c.id)).toEqual(['main']);
      await expect(t.system.ref('bystander', counterProtocol).ask('get', {})).rejects.toThrow(
        /stopped|no actor/,
      );
    } finally {
      await t.system.stop();
    }
  });
});

describe('shutdown', () => {
  it('stops children in reverse start order', async () => {
    const t = await startSystem(['s1', 's2', 's3'].map((id) => ({ id, start: counter() })));
    await t.system.stop();
    expect(stopped(t.events)).toEqual(['s3', 's2', 's1']);
  });

  it('kills a child that ignores shutdown after its timeout while a sibling stops cleanly', async () => {
    const t = await startSystem(
      [
        { id: 'polite', start: counter() },
        { id: 'stubborn', shutdown: 400, start: counter() },
      ],
      undefined,
      { heartbeatTimeoutMs: 30_000 },
    );
    t.system.ref('polite', counterProtocol).tell('inc', { by: 9 });
    await t.system.ref('polite', counterProtocol).ask('get', {});
    t.system.ref('stubborn', counterProtocol).tell('hang', {});
    await sleep(50);
    const began = Date.now();
    await t.system.stop();
    const took = Date.now() - began;
    expect(took).toBeGreaterThanOrEqual(380);
    expect(took).toBeLessThan(5000);
    expect(stopped(t.events)).toEqual(['stubborn', 'polite']);
  });

  it('answers a clear error for operations on a restarting child, and shutdown still completes', async () => {
    const t = await startSystem([{ id: 'slow', start: counter() }], {
      strategy: 'one_for_one',
      intensity: 5,
      periodMs: 10_000,
      backoff: { minMs: 2000, maxMs: 4000, jitter: 0, resetAfterMs: 10_000 },
    });
    t.system.ref('slow', counterProtocol).tell('crash', {});
    await waitFor(() => t.system.root.whichChildren()[0]?.status === 'restarting', 5000, 'restarting');
    await expect(t.system.root.terminateChild('slow')).rejects.toThrow(ChildRestartingError);
    await expect(t.system.root.restartChild('slow')).rejects.toThrow(ChildRestartingError);
    const began = Date.now();
    await t.system.stop();
    expect(Date.now() - began).toBeLessThan(1500);
  });
});

describe('nested supervisors', () => {
  it('escalation of a child supervisor is a failure its parent handles by its own strategy', async () => {
    const t = await startSystem(
      [
        { id: 'top', start: counter() },
        {
          id: 'inner',
          type: 'supervisor',
          supervisor: {
            id: 'inner',
            flags: { strategy: 'one_for_one', intensity: 0, periodMs: 10_000 },
            children: [{ id: 'leaf', start: counter() }],
          },
        },
      ],
      { strategy: 'one_for_one', intensity: 5, periodMs: 10_000 },
    );
    try {
      t.system.ref('leaf', counterProtocol).tell('crash', {});
      await waitFor(() => t.events.some((e) => e.type === 'child-restarted' && e.child === 'inner'), 10_000);
      expect(t.events.some((e) => e.type === 'escalated' && e.supervisor === 'inner')).toBe(true);
      await expect(t.system.ref('leaf', counterProtocol).ask('get', {})).resolves.toBeDefined();
      expect(restartsOf(t.system, 'top')).toBe(0);
    } finally {
      await t.system.stop();
    }
  });
});

describe('bad specs are refused before anything starts', () => {
  const base = {
    id: 'bad',
    flags: { strategy: 'one_for_one' as const },
    children: [] as ChildSpec<ActorStart>[],
  };
  it('unknown strategy, negative intensity, duplicate ids, bad start', async () => {
    await expect(
      ActorSystem.start({ ...base, flags: { strategy: 'one_for_some' as 'one_for_one' } }),
    ).rejects.toThrow(ValidationError);
    await expect(
      ActorSystem.start({ ...base, flags: { strategy: 'one_for_one', intensity: -1 } }),
    ).rejects.toThrow(/intensity/);
    await expect(
      ActorSystem.start({
        ...base,
        children: [
          { id: 'x', start: counter() },
          { id: 'x', start: counter() },
        ],
      }),
    ).rejects.toThrow(/duplicate/i);
    await expect(
      ActorSystem.start({ ...base, children: [{ id: 'x', start: { actor: { module: '' } } as ActorStart }] }),
    ).rejects.toThrow(/child 'x': start\.actor\.module/);
    await expect(
      ActorSystem.start({
        ...base,
        children: [{ id: 'x', start: counter({ placement: 'moon' as 'inline' }) }],
      }),
    ).rejects.toThrow(/child 'x': start\.placement/);
  });

  it('a child failing to start at boot fails the start and stops those already started', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'foxtrot-')), 'fail-start');
    writeFileSync(marker, 'x');
    const events: SupervisorEvent[] = [];
    await expect(
      ActorSystem.start(
        {
          id: 'boot',
          flags: { strategy: 'one_for_one' },
          children: [
            { id: 'first', start: counter() },
            {
              id: 'broken',
              start: {
                actor: { module: fragileModule, export: 'fragileActor' },
                input: { failIfExists: marker },
              },
            },
            { id: 'never', start: counter() },
          ],
        },
        { onEvent: (e) => events.push(e) },
      ),
    ).rejects.toThrow(/broken/);
    expect(started(events)).toEqual(['first']);
    expect(stopped(events)).toEqual(['first']);
  });
});
