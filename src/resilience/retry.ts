import { backoffDelay, type ExponentialBackoff } from './backoff.ts';
import { FoxtrotError } from './errors.ts';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  backoff: ExponentialBackoff;
  /** Whether an error is worth another attempt. Default: a FoxtrotError that says it is recoverable. */
  retryable?: (error: unknown) => boolean;
  /** Told before each wait, for logs and metrics. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const isRecoverable = (error: unknown): boolean => error instanceof FoxtrotError && error.recoverable;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `operation` until it succeeds, an error is not retryable, or the attempts run out (then the last error is
 * thrown). Waits between attempts by exponential backoff with jitter, or longer when the error says when to
 * retry (`retryAfter`, as a venue's rate limit does).
 */
export async function retry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const retryable = options.retryable ?? isRecoverable;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt + 1 >= options.attempts || !retryable(error)) throw error;
      const asked = error instanceof FoxtrotError ? (error.retryAfter ?? 0) : 0;
      const delay = Math.max(asked, backoffDelay(attempt, options.backoff, random));
      options.onRetry?.(error, attempt + 1, delay);
      await sleep(delay);
    }
  }
}
