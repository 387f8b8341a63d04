import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SnapshotSchedule, WORK_PER_SNAPSHOT_COST } from '../../src/runtime/worker/snapshot-schedule.ts';

const every = { messages: 100, ms: 5000 };

describe('SnapshotSchedule', () => {
  it('is due after every.messages messages or every.ms, whichever comes first', () => {
    const byCount = new SnapshotSchedule(every, 0);
    expect(byCount.due(60, 10)).toBe(false);
    expect(byCount.due(40, 20)).toBe(true);
    const byTime = new SnapshotSchedule(every, 0);
    expect(byTime.due(1, 4999)).toBe(false);
    expect(byTime.due(1, 5000)).toBe(true);
  });

  it('is due at once for the first commit and for a change no message made', () => {
    const schedule = new SnapshotSchedule(every, 0);
    expect(schedule.due(1, 1, true)).toBe(true);
    expect(schedule.due(0, 2)).toBe(true);
  });

  it('waits, after a costly snapshot, until the actor has worked ten times as long', () => {
    const schedule = new SnapshotSchedule(every, 0);
    schedule.saved(0, 80);
    expect(schedule.due(1000, 80 + 10 * 80 - 1)).toBe(false);
    expect(schedule.due(1, 80 + 10 * 80)).toBe(true);
  });

  it('counts messages from the last snapshot written', () => {
    const schedule = new SnapshotSchedule(every, 0);
    expect(schedule.due(99, 1)).toBe(false);
    schedule.saved(1, 1);
    expect(schedule.due(99, 3)).toBe(false);
    expect(schedule.due(1, 4)).toBe(true);
  });

  it('keeps snapshots within a tenth of the work, whatever they cost', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ messages: fc.integer({ min: 1, max: 50 }), workMs: fc.integer({ min: 0, max: 20 }) }),
          {
            minLength: 1,
            maxLength: 300,
          },
        ),
        fc.integer({ min: 0, max: 200 }),
        (turns, costMs) => {
          const schedule = new SnapshotSchedule(every, 0);
          let now = 0;
          let snapshotMs = 0;
          for (const turn of turns) {
            now += turn.workMs;
            if (schedule.due(turn.messages, now)) {
              schedule.saved(now, now + costMs);
              now += costMs;
              snapshotMs += costMs;
            }
          }
          // Every snapshot is preceded by WORK_PER_SNAPSHOT_COST times its cost of work, but the first.
          const work = now - snapshotMs;
          expect(snapshotMs).toBeLessThanOrEqual(work / WORK_PER_SNAPSHOT_COST + costMs);
        },
      ),
    );
  });
});
