import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActorSystem, SimulatedClock } from '../../src/index.ts';
import { counterModule, counterProtocol } from '../fixtures/counter.ts';

describe('SimulatedClock', () => {
  it('fires timers in due order (ties in the order set), each at its own time, including those fired timers set', () => {
    const clock = new SimulatedClock(1000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => {
      fired.push(`c@${clock.now()}`);
      clock.setTimeout(() => fired.push(`d@${clock.now()}`), 5);
    }, 20);
    const cancelled = clock.setTimeout(() => fired.push('never'), 15);
    clock.clearTimeout(cancelled);
    expect(clock.advanceTo(1019)).toBe(1);
    expect(clock.now()).toBe(1019);
    expect(clock.advanceTo(1030)).toBe(3);
    expect(fired).toEqual(['a@1010', 'b@1020', 'c@1020', 'd@1025']);
    expect(clock.now()).toBe(1030);
    expect(clock.nextDue()).toBeUndefined();
  });

  it('never goes back, and any set of timers fires sorted by due time', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(10_000), { maxLength: 50 }), fc.nat(20_000), (delays, until) => {
        const clock = new SimulatedClock(0);
        const times: number[] = [];
        for (const delay of delays) clock.setTimeout(() => times.push(clock.now()), delay);
        clock.advanceTo(until);
        clock.advanceTo(until - 5);
        expect(clock.now()).toBe(until);
        expect(times).toEqual(delays.filter((d) => d <= until).sort((a, b) => a - b));
      }),
    );
  });
});

describe('inline actors on a simulated clock', () => {
  it("run their machine's delays in simulated time", async () => {
    const clock = new SimulatedClock(Date.UTC(2026, 0, 5));
    const system = await ActorSystem.start(
      {
        id: 'simulated',
        flags: { strategy: 'one_for_one' },
        children: [
          {
            id: 'c',
            start: {
              actor: { module: counterModule, export: 'counterActor' },
              placement: 'inline',
              persist: false,
            },
          },
        ],
      },
      { clock },
    );
    try {
      const counter = system.ref('c', counterProtocol);
      counter.tell('arm', { ms: 3_600_000 });
      expect(await counter.ask('get', {})).toEqual({ count: 0, mode: 'armed-once' });
      clock.advanceTo(clock.now() + 3_599_999);
      expect((await counter.ask('get', {})).count).toBe(0);
      const started = Date.now();
      clock.advanceTo(clock.now() + 1);
      // An hour of simulated time passed at once: the delayed transition ran, with no real waiting.
      expect((await counter.ask('get', {})).count).toBe(1000);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await system.stop();
    }
  });
});
