/**
 * Foxtrot's typed error hierarchy. Every error the runtime raises says how bad it is, whether the caller can
 * recover by retrying, and when a retry makes sense, so handlers decide by data rather than by message text.
 */
export type Severity = 'info' | 'warning' | 'error' | 'fatal';

export interface FoxtrotErrorOptions {
  severity?: Severity;
  recoverable?: boolean;
  /** Milliseconds after which a retry may succeed. */
  retryAfter?: number;
  context?: Record<string, unknown>;
  cause?: unknown;
}

export class FoxtrotError extends Error {
  readonly code: string;
  readonly severity: Severity;
  readonly recoverable: boolean;
  readonly retryAfter: number | undefined;
  readonly context: Record<string, unknown>;

  constructor(code: string, message: string, options: FoxtrotErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.severity = options.severity ?? 'error';
    this.recoverable = options.recoverable ?? false;
    this.retryAfter = options.retryAfter;
    this.context = options.context ?? {};
  }
}

/** Input that failed validation: a config, a child spec, a message payload. Never recoverable by retrying. */
export class ValidationError extends FoxtrotError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('VALIDATION', message, { severity: 'warning', recoverable: false, context });
  }
}

/** The receiver's mailbox (the sender's window to it) is full: retry after it drains. */
export class MailboxFullError extends FoxtrotError {
  constructor(to: string, capacity: number) {
    super('MAILBOX_FULL', `mailbox of actor '${to}' is full (${capacity} messages in flight)`, {
      severity: 'warning',
      recoverable: true,
      retryAfter: 1,
      context: { to, capacity },
    });
  }
}

export class AskTimeoutError extends FoxtrotError {
  constructor(to: string, type: string, timeoutMs: number) {
    super('ASK_TIMEOUT', `ask '${type}' to actor '${to}' got no reply within ${timeoutMs} ms`, {
      severity: 'warning',
      recoverable: true,
      context: { to, type, timeoutMs },
    });
  }
}

export class DeadLetterError extends FoxtrotError {
  constructor(to: string, reason: string) {
    super('DEAD_LETTER', `message to actor '${to}' was not delivered: ${reason}`, {
      severity: 'warning',
      recoverable: false,
      context: { to, reason },
    });
  }
}

/** A supervisor operation that needs a settled child was asked of one that is restarting. */
export class ChildRestartingError extends FoxtrotError {
  constructor(supervisor: string, child: string) {
    super('CHILD_RESTARTING', `child '${child}' of supervisor '${supervisor}' is restarting; try again`, {
      severity: 'warning',
      recoverable: true,
      retryAfter: 10,
      context: { supervisor, child },
    });
  }
}

export class ChildNotFoundError extends FoxtrotError {
  constructor(supervisor: string, child: string) {
    super('CHILD_NOT_FOUND', `supervisor '${supervisor}' has no child '${child}'`, {
      severity: 'warning',
      context: { supervisor, child },
    });
  }
}

export class ChildStartError extends FoxtrotError {
  constructor(child: string, cause: unknown) {
    super('CHILD_START_FAILED', `child '${child}' failed to start: ${describeError(cause)}`, {
      severity: 'error',
      recoverable: true,
      context: { child },
      cause,
    });
  }
}

/** A supervisor gave up: too many restarts in its period. Carried to its parent, and at the root stops the node. */
export class EscalationError extends FoxtrotError {
  constructor(supervisor: string, intensity: number, periodMs: number, lastFailure: string) {
    super(
      'ESCALATION',
      `supervisor '${supervisor}' exceeded its restart intensity (more than ${intensity} restarts in ${periodMs} ms); last failure: ${lastFailure}`,
      { severity: 'fatal', recoverable: false, context: { supervisor, intensity, periodMs, lastFailure } },
    );
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

/** The cloneable form of an error, for crossing a thread boundary. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof FoxtrotError) {
    return {
      name: error.name,
      message: error.message,
      code: error.code,
      ...(error.stack ? { stack: error.stack } : {}),
    };
  }
  if (error instanceof Error) {
    return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  }
  return { name: 'Error', message: describeError(error) };
}

/** A circuit breaker refused a call: the service behind it failed too often; retry after `retryAfter` ms. */
export class CircuitOpenError extends FoxtrotError {
  constructor(name: string, retryAfter: number) {
    super('CIRCUIT_OPEN', `circuit '${name}' is open: calls are refused for ${retryAfter} ms more`, {
      severity: 'warning',
      recoverable: true,
      retryAfter,
      context: { circuit: name },
    });
  }
}

/**
 * What a venue (or the connection to it) did wrong. `recoverable` errors (a timeout, a disconnect, a rate limit)
 * are retried; the others (an order the venue refuses) are not.
 */
export class VenueError extends FoxtrotError {
  constructor(
    venue: string,
    code:
      | 'VENUE_TIMEOUT'
      | 'VENUE_DISCONNECTED'
      | 'VENUE_RATE_LIMITED'
      | 'VENUE_REJECTED'
      | 'VENUE_UNAVAILABLE',
    message: string,
    options: { retryAfter?: number; context?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(code, `venue ${venue}: ${message}`, {
      severity: code === 'VENUE_REJECTED' ? 'warning' : 'error',
      recoverable: code !== 'VENUE_REJECTED',
      ...(options.retryAfter === undefined ? {} : { retryAfter: options.retryAfter }),
      context: { venue, ...options.context },
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
  }
}
