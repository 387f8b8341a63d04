/**
 * A sliding-window rate limit: at most `limit` events in any `windowMs`. Times are given (a simulated clock in
 * backtests, the real one live), and only accepted events count against the window.
 */
export class Throttle {
  private readonly times: number[];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    /** Times of accepted events still in the window, from saved state. */
    times: readonly number[] = [],
  ) {
    this.times = [...times];
  }

  /** The accepted events' times still in the window, to save. */
  get recent(): number[] {
    return [...this.times];
  }

  /** Whether an event at `now` is within the limit; if so it is counted. */
  tryAcquire(now: number): boolean {
    while (this.times.length > 0 && (this.times[0] as number) <= now - this.windowMs) this.times.shift();
    if (this.times.length >= this.limit) return false;
    this.times.push(now);
    return true;
  }
}
