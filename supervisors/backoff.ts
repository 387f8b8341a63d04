import type { BackoffOptions } from './child-spec.ts';

/**
 * Exponential backoff with jitter between restarts, like Akka's restartWithBackoff: the delay doubles with each
 * failure from `minMs` up to `maxMs`, gets up to `jitter` of itself added at random, and starts again from `minMs`
 * after `resetAfterMs` without a failure.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const base = Math.min(options.maxMs, options.minMs * 2 ** attempt);
  return Math.round(base + base * options.jitter * random());
}

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
