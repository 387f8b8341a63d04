import type { SerializedError } from '../src/resilience/errors.ts';

/** Why a child stopped, as in OTP: `normal` and `shutdown` are normal exits; anything else is a failure. */
export type ExitReason =
  | { type: 'normal' }
  | { type: 'shutdown' }
  | {
      type: 'failure';
      kind: FailureKind;
      error: SerializedError;
      /** W3C traceparent of the span that failed, when tracing saw it: the supervisor's span joins that trace. */
      traceparent?: string;
    };

export type FailureKind =
  | 'uncaught-error'
  | 'exited'
  | 'resource-limits'
  | 'heartbeat'
  | 'machine-error'
  | 'start-failed'
  | 'escalated';

export function isAbnormal(reason: ExitReason): boolean {
  return reason.type === 'failure';
}

export function describeExit(reason: ExitReason): string {
  return reason.type === 'failure' ? `${reason.kind}: ${reason.error.message}` : reason.type;
}
