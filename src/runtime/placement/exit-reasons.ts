import type { ExitReason, FailureKind } from '../../../supervisors/exit-reason.ts';
import { serializeError } from '../../resilience/errors.ts';

/** A failure; `traceparent` names the span that failed, when tracing saw it. */
export function failure(kind: FailureKind, error: unknown, traceparent?: string): ExitReason {
  return { type: 'failure', kind, error: serializeError(error), ...(traceparent ? { traceparent } : {}) };
}

/** A machine that reaches a final state exits normally, or with `shutdown` if its output says so. */
export function exitOfOutput(output: unknown): ExitReason {
  const reason = (output as { reason?: unknown } | null | undefined)?.reason;
  return reason === 'shutdown' ? { type: 'shutdown' } : { type: 'normal' };
}
