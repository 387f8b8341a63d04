import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { siblingModule } from '../../src/index.ts';
import { slowStartProtocol } from '../fixtures/slow-start.ts';
import { startSystem, waitFor } from '../support/system.ts';
import { tempDir } from '../support/temp-dir.ts';

describe('a restore slower than the start timeout', () => {
  const dir = tempDir('slow-restore');
  afterAll(() => dir.remove());

  it('gets a longer start limit at each restart until it comes back with its state', async () => {
    const slowWhile = join(dir.path, 'slow');
    const t = await startSystem([
      {
        id: 'slow',
        start: {
          actor: {
            module: siblingModule('../fixtures/slow-start', import.meta.url),
            export: 'slowStartActor',
          },
          input: { slowWhile, busyMs: 4000 },
          // A first start from sources on a loaded 2-core machine can take most of a second: the limit leaves room.
          startTimeoutMs: 1500,
        },
      },
    ]);
    try {
      const slow = t.system.ref('slow', slowStartProtocol);
      const startFailures = () =>
        t.events.flatMap((e) =>
          e.type === 'child-failed' && e.reason.type === 'failure' && e.reason.kind === 'start-failed'
            ? [e.reason.error.message]
            : [],
        );
      slow.tell('inc', {});
      slow.tell('inc', {});
      await expect(slow.ask('get', {})).resolves.toEqual({ count: 2 });
      // From now on every restore blocks its worker for 4 s: 1.5 s and 3 s are too short, 6 s is not.
      writeFileSync(slowWhile, '');
      slow.tell('crash', {});
      await waitFor(
        () => t.events.some((e) => e.type === 'child-restarted' && e.child === 'slow'),
        30_000,
        'the restart that outlasted the restore',
      );
      expect(startFailures()).toHaveLength(2);
      expect(startFailures()[0]).toContain('did not start within 1500 ms (restoring its saved state)');
      expect(startFailures()[0]).toContain('the next start may take 3000 ms');
      expect(startFailures()[1]).toContain('did not start within 3000 ms');
      await expect(slow.ask('get', {})).resolves.toEqual({ count: 2 });
      // A start that succeeded put the limit back: the next slow restore times out at 1500 ms first again.
      slow.tell('crash', {});
      await waitFor(
        () => t.events.filter((e) => e.type === 'child-restarted' && e.child === 'slow').length === 2,
        30_000,
        'the second restart',
      );
      expect(startFailures()).toHaveLength(4);
      expect(startFailures()[2]).toContain('did not start within 1500 ms');
      await expect(slow.ask('get', {})).resolves.toEqual({ count: 2 });
    } finally {
      await t.system.stop();
    }
  }, 75_000);
});
