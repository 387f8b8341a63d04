import { CircuitOpenError } from './errors.ts';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before letting trial calls through. */
  openMs: number;
  /** Trial calls allowed at once while half-open; one success closes the circuit, one failure opens it again. */
  halfOpenCalls?: number;
  now?: () => number;
  /**
   * Whether an error of a call says the service is unwell. Default: every error. A venue that refuses an order
   * has answered, so it is healthy: such errors should not open the circuit.
   */
  isFailure?: (error: unknown) => boolean;
  onStateChange?: (from: CircuitState, to: CircuitState) => void;
}

/**
 * A circuit breaker around calls to a venue: after `failureThreshold` failures in a row it opens and refuses
 * calls at once (with when to try again) instead of piling them on a venue that is down; after `openMs` it lets
 * a few trial calls through (half-open), and their outcome closes or reopens it.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trials = 0;
  private readonly now: () => number;

  constructor(
    readonly name: string,
    private readonly options: CircuitBreakerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.options.openMs) this.move('half-open');
    return this.current;
  }

  /** Runs the call through the breaker; refused with CircuitOpenError while open. */
  async call<T>(operation: () => Promise<T>): Promise<T> {
    this.admit();
    try {
      const result = await operation();
      this.succeeded();
      return result;
    } catch (error) {
      // An error that is not the venue failing (a refusal made before anything was sent) says nothing about the
      // venue's health: it neither counts against it nor closes a half-open circuit, it only gives the slot back.
      if (this.options.isFailure?.(error) ?? true) this.failed();
      else if (this.current === 'half-open') this.trials -= 1;
      throw error;
    }
  }

  /** Takes a slot for a call, or throws CircuitOpenError: for callers that report outcomes themselves. */
  admit(): void {
    const state = this.state;
    if (state === 'open') {
      const retryAfter = Math.max(0, this.openedAt + this.options.openMs - this.now());
      throw new CircuitOpenError(this.name, retryAfter);
    }
    if (state === 'half-open') {
      if (this.trials >= (this.options.halfOpenCalls ?? 1)) throw new CircuitOpenError(this.name, 0);
      this.trials += 1;
    }
  }

  succeeded(): void {
    this.failures = 0;
    if (this.current !== 'closed') this.move('closed');
  }

  failed(): void {
    this.failures += 1;
    if (this.current === 'half-open' || this.failures >= this.options.failureThreshold) {
      this.openedAt = this.now();
      if (this.current !== 'open') this.move('open');
    }
  }

  private move(to: CircuitState): void {
    const from = this.current;
    this.current = to;
    this.trials = 0;
    if (to === 'closed') this.failures = 0;
    this.options.onStateChange?.(from, to);
  }
}
