import { backoffDelay } from '../src/resilience/backoff.ts';
import type { BackoffOptions } from './child-spec.ts';

export { backoffDelay };

/**
 * Backoff between restarts, like Akka's restartWithBackoff: exponential with jitter (see backoffDelay), starting
 * again from `minMs` after `resetAfterMs` without a failure.
 */
export class Backoff {
  private attempt = 0;
  private lastFailureAt: number | undefined;

  constructor(
    private readonly options: BackoffOptions | undefined,
    private readonly random: () => number,
  ) {}

  /** The delay before the restart that follows a failure at `now`. */
  next(now: number): number {
    if (this.options === undefined) return 0;
    if (this.lastFailureAt !== undefined && now - this.lastFailureAt > this.options.resetAfterMs)
      this.attempt = 0;
    this.lastFailureAt = now;
    const delay = backoffDelay(this.attempt, this.options, this.random);
    this.attempt += 1;
    return delay;
  }
}
