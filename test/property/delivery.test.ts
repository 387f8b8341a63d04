import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counterProtocol } from '../fixtures/counter.ts';
import { counter, sleep, startSystem, type TestSystem, waitFor } from '../support/system.ts';

/*
 * Properties over real worker threads. Each run uses fresh receivers (ids are unique per run) so runs are
 * independent; run counts are small because every run moves real messages between real threads.
 */
describe('delivery properties', () => {
  let t: TestSystem;
  let run = 0;

  beforeAll(async () => {
    t = await startSystem(
      [
        { id: 'relay1', start: counter() },
        { id: 'relay2', start: counter() },
      ],
      { strategy: 'one_for_one', intensity: 100, periodMs: 60_000 },
    );
  });
  afterAll(() => t.system.stop());

  async function freshSink(): Promise<string> {
    run += 1;
    const id = `sink${run}`;
    await t.system.root.startChild({ id, start: counter() });
    return id;
  }

  it('keeps FIFO order per sender under random interleavings of three senders', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ sender: fc.integer({ min: 0, max: 2 }), pause: fc.boolean() }), {
          minLength: 20,
          maxLength: 300,
        }),
        async (steps) => {
          const sink = await freshSink();
          const counts = [0, 0, 0];
          for (const step of steps) {
            counts[step.sender] = (counts[step.sender] ?? 0) + 1;
            const n = step.sender * 100_000 + (counts[step.sender] ?? 0);
            if (step.sender === 0) t.system.ref(sink, counterProtocol).tell('record', { n });
            else t.system.ref(`relay${step.sender}`, counterProtocol).tell('relay', { to: sink, n });
            if (step.pause) await sleep(0);
          }
          const seen = await waitFor(async () => {
            const history = await t.system.ref(sink, counterProtocol).ask('history', {});
            return history.seen.length >= steps.length ? history.seen : undefined;
          });
          expect(seen).toHaveLength(steps.length);
          for (const sender of [0, 1, 2]) {
            const fromSender = seen.filter((n) => Math.floor(n / 100_000) === sender);
            const expected = Array.from({ length: counts[sender] ?? 0 }, (_, i) => sender * 100_000 + i + 1);
            expect(fromSender).toEqual(expected);
          }
          await t.system.root.terminateChild(sink);
          await t.system.root.deleteChild(sink);
        },
      ),
      { numRuns: 8 },
    );
  });

  it('loses and duplicates no accepted message across restarts at random points', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(fc.oneof(fc.constant<'record'>('record'), fc.constant<'crash'>('crash')), {
            minLength: 10,
            maxLength: 120,
          })
          .filter((ops) => ops.filter((op) => op === 'crash').length <= 3),
        async (ops) => {
          const sink = await freshSink();
          const expected: number[] = [];
          let n = 0;
          for (const op of ops) {
            if (op === 'crash') {
              // Through a relay, so the crash and the records travel the same worker-to-worker link.
              t.system.ref('relay1', counterProtocol).tell('relay', { to: sink, n: -1 });
              t.system.ref(sink, counterProtocol).tell('crash', {});
              await sleep(5);
              continue;
            }
            n += 1;
            expected.push(n);
            t.system.ref('relay1', counterProtocol).tell('relay', { to: sink, n });
          }
          const seen = await waitFor(
            async () => {
              const history = await t.system
                .ref(sink, counterProtocol)
                .ask('history', {}, { timeoutMs: 10_000 });
              const positives = history.seen.filter((value) => value > 0);
              return positives.length >= expected.length ? positives : undefined;
            },
            30_000,
            'every record',
          );
          expect(seen).toEqual(expected);
          await t.system.root.terminateChild(sink);
          await t.system.root.deleteChild(sink);
        },
      ),
      { numRuns: 5 },
    );
  });
});
