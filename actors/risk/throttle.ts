/**
 * A sliding-window rate limit: at most `limit` events in any `windowMs`. Times are given (a simulated clock in
 * backtests, the real one live), and only accepted events count against the window.
 */
export class Throttle {
  private readonly times: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Whether an event at `now` is within the limit; if so it is counted. */
  tryAcquire(now: number): boolean {
    while (this.times.length > 0 && (this.times[0] as number) <= now - this.windowMs) this.times.shift();
    if (this.times.length >= this.limit) return false;
    this.times.push(now);
    return true;
  }
}
