/** What a clock gives the actors placed in this thread: the time, and timers (XState's delays use them). */
export interface ActorClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

interface Timer {
  id: number;
  due: number;
  fn: () => void;
}

/**
 * Time that moves only when told to: a backtest's clock. Timers fire in the order of their due time (ties in the
 * order they were set) as `advanceTo` passes them, each with the clock set to its due time, so the same inputs
 * give the same run however fast the machine is.
 */
export class SimulatedClock implements ActorClock {
  private time: number;
  private nextId = 1;
  private timers: Timer[] = [];

  constructor(start: number) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): number {
    const timer: Timer = { id: this.nextId, due: this.time + Math.max(0, ms), fn };
    this.nextId += 1;
    // Kept sorted by due time, a new timer after those due at the same time.
    let at = this.timers.length;
    while (at > 0 && (this.timers[at - 1] as Timer).due > timer.due) at -= 1;
    this.timers.splice(at, 0, timer);
    return timer.id;
  }

  clearTimeout(id: unknown): void {
    const at = this.timers.findIndex((timer) => timer.id === id);
    if (at !== -1) this.timers.splice(at, 1);
  }

  /** When the next timer is due, if one is set. */
  nextDue(): number | undefined {
    return this.timers[0]?.due;
  }

  /**
   * Moves the clock to `time`, firing every timer due by then (including those the fired ones set). Time never
   * goes back: an earlier `time` fires what is due now and leaves the clock where it is.
   */
  advanceTo(time: number): number {
    let fired = 0;
    for (;;) {
      const next = this.timers[0];
      if (next === undefined || next.due > time) break;
      this.timers.shift();
      this.time = Math.max(this.time, next.due);
      next.fn();
      fired += 1;
    }
    this.time = Math.max(this.time, time);
    return fired;
  }
}
