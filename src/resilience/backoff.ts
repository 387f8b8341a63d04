/** Exponential backoff: the delay doubles per attempt from `minMs` up to `maxMs`, plus up to `jitter` of itself. */
export interface ExponentialBackoff {
  minMs: number;
  maxMs: number;
  /** Random extra delay as a fraction of the computed delay, 0..1. */
  jitter: number;
}

/**
 * The delay before attempt `attempt + 1` (0-based): jitter spreads the retries of many clients that failed
 * together, so that they do not all come back at once.
 */
export function backoffDelay(attempt: number, options: ExponentialBackoff, random: () => number): number {
  const base = Math.min(options.maxMs, options.minMs * 2 ** attempt);
  return Math.round(base + base * options.jitter * random());
}
