import { describe, expect, it } from 'vitest';
import type { FailureKind, InjectedFault } from '../../src/index.ts';
import { counterProtocol } from '../fixtures/counter.ts';
import { counter, startSystem, waitFor } from '../support/system.ts';

type Fault = 'crash' | 'throwLater' | 'exitProcess' | 'oom' | 'hang';

const cases: Array<{ fault: Fault; kind: FailureKind; payload: Record<string, unknown> }> = [
  { fault: 'crash', kind: 'machine-error', payload: {} },
  { fault: 'throwLater', kind: 'uncaught-error', payload: {} },
  { fault: 'exitProcess', kind: 'exited', payload: { code: 3 } },
  { fault: 'oom', kind: 'resource-limits', payload: {} },
  { fault: 'hang', kind: 'heartbeat', payload: {} },
];

describe('faults that really happen in a worker are detected, and the actor restarts with its state', () => {
  for (const { fault, kind, payload } of cases) {
    it(`${fault} -> ${kind}`, async () => {
      const t = await startSystem([
        { id: 'victim', start: counter({ resourceLimits: { maxOldGenerationSizeMb: 48 } }) },
        { id: 'bystander', start: counter() },
      ]);
      try {
        const victim = t.system.ref('victim', counterProtocol);
        const bystander = t.system.ref('bystander', counterProtocol);
        victim.tell('inc', { by: 41 });
        bystander.tell('inc', { by: 7 });
        await expect(victim.ask('get', {})).resolves.toMatchObject({ count: 41 });

        t.system.ref('victim').tell(fault, payload);
        await waitFor(
          () => t.events.some((e) => e.type === 'child-restarted' && e.child === 'victim'),
          15_000,
        );

        const failed = t.events.find((e) => e.type === 'child-failed');
        expect(failed).toMatchObject({ child: 'victim', reason: { type: 'failure', kind } });
        victim.tell('inc', { by: 1 });
        await expect(victim.ask('get', {})).resolves.toMatchObject({ count: 42 });
        await expect(bystander.ask('get', {})).resolves.toMatchObject({ count: 7 });
        const info = t.system.root.whichChildren().find((c) => c.id === 'victim');
        // A death that does not name its cause (an exit, the heap, a hang) only suspects the message being
        // handled: it is handled once more, and refused when it kills the second incarnation too.
        const blamedOnly = kind === 'exited' || kind === 'resource-limits' || kind === 'heartbeat';
        expect(info).toMatchObject({ status: 'running', restarts: blamedOnly ? 2 : 1 });
        expect(info?.lastFailure).toContain(kind);
      } finally {
        await t.system.stop();
      }
    });
  }
});

describe('a blocked supervising thread', () => {
  it('does not blame healthy workers for the heartbeats it could not read', async () => {
    const t = await startSystem([{ id: 'healthy', start: counter() }]);
    try {
      const healthy = t.system.ref('healthy', counterProtocol);
      healthy.tell('inc', { by: 3 });
      await expect(healthy.ask('get', {})).resolves.toMatchObject({ count: 3 });
      // The main thread busy for longer than the heartbeat timeout (1.5 s), as a long GC or inline work can be.
      const until = Date.now() + 2500;
      while (Date.now() < until) {
        // Blocked: the worker's heartbeats queue up unread.
      }
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(t.events.filter((e) => e.type === 'child-failed')).toEqual([]);
      await expect(healthy.ask('get', {})).resolves.toMatchObject({ count: 3 });
    } finally {
      await t.system.stop();
    }
  });
});

describe('faults injected from outside (chaos runs) are real failures of the worker', () => {
  const injected: Array<{ fault: InjectedFault; kind: FailureKind }> = [
    { fault: 'throw', kind: 'uncaught-error' },
    { fault: 'exit', kind: 'exited' },
    { fault: 'hang', kind: 'heartbeat' },
    { fault: 'memory', kind: 'resource-limits' },
  ];
  for (const { fault, kind } of injected) {
    it(`${fault} -> ${kind}, and the actor comes back with its state`, async () => {
      const t = await startSystem([
        { id: 'victim', start: counter({ resourceLimits: { maxOldGenerationSizeMb: 48 } }) },
      ]);
      try {
        const victim = t.system.ref('victim', counterProtocol);
        victim.tell('inc', { by: 5 });
        await expect(victim.ask('get', {})).resolves.toMatchObject({ count: 5 });
        await t.system.injectFault('victim', fault);
        await waitFor(
          () => t.events.some((e) => e.type === 'child-restarted' && e.child === 'victim'),
          15_000,
        );
        expect(t.events.find((e) => e.type === 'child-failed')).toMatchObject({
          child: 'victim',
          reason: { type: 'failure', kind },
        });
        await expect(victim.ask('get', {})).resolves.toMatchObject({ count: 5 });
      } finally {
        await t.system.stop();
      }
    });
  }

  it('fails a control call pending on a worker that hangs once the worker is gone, rather than never', async () => {
    const t = await startSystem([{ id: 'victim', start: counter() }]);
    try {
      await t.system.injectFault('victim', 'hang');
      // The hang starts on the worker's next turn: ask once it has.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await expect(t.system.inspect('victim')).rejects.toThrow(/exited .* before answering/);
    } finally {
      await t.system.stop();
    }
  });

  it('is refused for an inline actor, which shares its thread with others', async () => {
    const t = await startSystem([{ id: 'inline', start: counter({ placement: 'inline' }) }]);
    try {
      await expect(t.system.injectFault('inline', 'throw')).rejects.toThrow(/runs inline/);
    } finally {
      await t.system.stop();
    }
  });
});
