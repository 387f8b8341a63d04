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
          input: { slowWhile, busyMs: 1500 },
          startTimeoutMs: 600,
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
      // From now on every restore blocks its worker for 1.5 s: 600 ms and 1,200 ms are too short, 2,400 ms is not.
      writeFileSync(slowWhile, '');
      slow.tell('crash', {});
      await waitFor(
        () => t.events.some((e) => e.type === 'child-restarted' && e.child === 'slow'),
        20_000,
        'the restart that outlasted the restore',
      );
      expect(startFailures()).toHaveLength(2);
      expect(startFailures()[0]).toContain('did not start within 600 ms (restoring its saved state)');
      expect(startFailures()[0]).toContain('the next start may take 1200 ms');
      expect(startFailures()[1]).toContain('did not start within 1200 ms');
      await expect(slow.ask('get', {})).resolves.toEqual({ count: 2 });
      // A start that succeeded put the limit back: the next slow restore times out at 600 ms first again.
      slow.tell('crash', {});
      await waitFor(
        () => t.events.filter((e) => e.type === 'child-restarted' && e.child === 'slow').length === 2,
        20_000,
        'the second restart',
      );
      expect(startFailures()).toHaveLength(4);
      expect(startFailures()[2]).toContain('did not start within 600 ms');
      await expect(slow.ask('get', {})).resolves.toEqual({ count: 2 });
    } finally {
      await t.system.stop();
    }
  }, 40_000);
});
