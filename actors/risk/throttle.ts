/** The accepted events' times, oldest first, from `start` on (earlier entries have left the window). */
export interface ThrottleWindow {
  times: number[];
  start: number;
}

export function emptyWindow(): ThrottleWindow {
  return { times: [], start: 0 };
}

/**
 * A sliding-window rate limit: at most `limit` events in any `windowMs`. Times are given (a simulated clock in
 * backtests, the real one live), and only accepted events count. The window is state the owner keeps (and saves);
 * it is updated in place and compacted now and then, so a check costs O(1) however high the limit.
 */
export class Throttle {
  constructor(
    readonly limit: number,
    readonly windowMs: number,
    readonly window: ThrottleWindow = emptyWindow(),
  ) {}

  /** Whether an event at `now` is within the limit; if so it is counted. */
  tryAcquire(now: number): boolean {
    const { times } = this.window;
    let start = this.window.start;
    while (start < times.length && (times[start] as number) <= now - this.windowMs) start += 1;
    if (start > 1024 && start * 2 > times.length) {
      times.splice(0, start);
      start = 0;
    }
    this.window.start = start;
    if (times.length - start >= this.limit) return false;
    times.push(now);
    return true;
  }
}
