import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelay, planRestart, recordRestart } from '../../supervisors/index.ts';

/**
 * The reference model of OTP's restart intensity, written as plainly as possible: at each restart, count the
 * restarts (this one included) whose time is within `periodMs` before it; more than `intensity` means give up.
 */
function referenceExceeded(
  times: readonly number[],
  index: number,
  intensity: number,
  periodMs: number,
): boolean {
  const now = times[index] as number;
  let count = 0;
  for (let i = 0; i <= index; i += 1) if ((times[i] as number) >= now - periodMs) count += 1;
  return count > intensity;
}

describe('restart intensity', () => {
  it('agrees with the reference model on every sequence of restart times', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 3000 }),
        (gaps, intensity, periodMs) => {
          const times: number[] = [];
          let now = 0;
          for (const gap of gaps) {
            now += gap;
            times.push(now);
          }
          let history: number[] = [];
          for (const [index, at] of times.entries()) {
            const result = recordRestart(history, at, { intensity, periodMs });
            expect(result.exceeded).toBe(referenceExceeded(times, index, intensity, periodMs));
            if (result.exceeded) return;
            history = result.history;
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never escalates restarts spaced wider than the period', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 50 }), (periodMs, count) => {
        let history: number[] = [];
        for (let i = 0; i < count; i += 1) {
          const result = recordRestart(history, i * (periodMs + 1), { intensity: 1, periodMs });
          expect(result.exceeded).toBe(false);
          history = result.history;
        }
      }),
    );
  });
});

describe('backoff', () => {
  const options = fc.record({
    minMs: fc.integer({ min: 0, max: 1000 }),
    extraMs: fc.integer({ min: 0, max: 10_000 }),
    jitter: fc.double({ min: 0, max: 1, noNaN: true }),
  });

  it('stays between the exponential base and base plus jitter, capped at maxMs', () => {
    fc.assert(
      fc.property(
        options,
        fc.integer({ min: 0, max: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (o, attempt, r) => {
          const maxMs = o.minMs + o.extraMs;
          const delay = backoffDelay(attempt, { minMs: o.minMs, maxMs, jitter: o.jitter }, () => r);
          const base = Math.min(maxMs, o.minMs * 2 ** attempt);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(base));
          expect(delay).toBeLessThanOrEqual(Math.ceil(base * (1 + o.jitter)));
        },
      ),
    );
  });

  it('grows with consecutive failures and starts over after a quiet period', () => {
    const backoff = new Backoff({ minMs: 10, maxMs: 1000, jitter: 0, resetAfterMs: 500 }, () => 0);
    expect([backoff.next(0), backoff.next(1), backoff.next(2), backoff.next(3)]).toEqual([10, 20, 40, 80]);
    expect(backoff.next(600)).toBe(10);
    expect(new Backoff(undefined, Math.random).next(0)).toBe(0);
  });
});

describe('restart strategies', () => {
  const children = ['c1', 'c2', 'c3', 'c4', 'c5'].map((id) => ({
    id,
    restart: id === 'c4' ? ('temporary' as const) : ('permanent' as const),
    running: id !== 'c3',
    terminated: false,
  }));

  it('one_for_one touches only the failed child', () => {
    expect(planRestart('one_for_one', children, 'c3')).toEqual({ stop: [], start: ['c3'], remove: [] });
  });

  it('rest_for_one stops the later siblings in reverse order and restarts them in order, temporary ones removed', () => {
    expect(planRestart('rest_for_one', children, 'c3')).toEqual({
      stop: ['c5', 'c4'],
      start: ['c3', 'c5'],
      remove: ['c4'],
    });
  });

  it('one_for_all stops every sibling in reverse order', () => {
    expect(planRestart('one_for_all', children, 'c3')).toEqual({
      stop: ['c5', 'c4', 'c2', 'c1'],
      start: ['c1', 'c2', 'c3', 'c5'],
      remove: ['c4'],
    });
  });
});
