import { ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { SupervisorEvent } from '../../supervisors/events.ts';
import { describeExit, type ExitReason } from '../../supervisors/exit-reason.ts';
import type { ThreadTelemetry } from './thread-telemetry.ts';
import { extractSpanContext } from './trace-context.ts';

function parentOf(reason: ExitReason) {
  if (reason.type !== 'failure' || reason.traceparent === undefined) return ROOT_CONTEXT;
  const parent = extractSpanContext({ traceparent: reason.traceparent });
  return parent === undefined || parent === 'malformed'
    ? ROOT_CONTEXT
    : trace.setSpanContext(ROOT_CONTEXT, parent);
}

/**
 * Turns supervisor events into spans and metrics: a `supervise <child>` span from a failure to the restart that
 * answers it, in the trace of the message whose handling failed when tracing saw it, with an event for each step
 * (failure detected, restarting, restarted); an `escalate <supervisor>` span with error status; restarts and
 * escalations counted per actor.
 */
export function supervisionTelemetry(telemetry: ThreadTelemetry): (event: SupervisorEvent) => void {
  const open = new Map<string, Span>();
  const close = (child: string) => {
    open.get(child)?.end();
    open.delete(child);
  };
  return (event) => {
    const tracer = telemetry.tracer;
    const attributes = { 'foxtrot.supervisor.id': event.supervisor };
    switch (event.type) {
      case 'child-failed': {
        let span = open.get(event.child);
        if (span === undefined && tracer !== undefined) {
          span = tracer.startSpan(
            `supervise ${event.child}`,
            { kind: SpanKind.INTERNAL, attributes: { ...attributes, 'foxtrot.actor.id': event.child } },
            parentOf(event.reason),
          );
          open.set(event.child, span);
        }
        span?.addEvent('failure detected', {
          'foxtrot.failure.kind': event.reason.type === 'failure' ? event.reason.kind : event.reason.type,
          'foxtrot.failure.reason': describeExit(event.reason),
        });
        return;
      }
      case 'child-restarting':
        open.get(event.child)?.addEvent('restarting', { 'foxtrot.restart.delay_ms': event.delayMs });
        return;
      case 'child-restarted':
        telemetry.instruments.restarts.add(1, { ...attributes, 'foxtrot.actor.id': event.child });
        open.get(event.child)?.addEvent('restarted', { 'foxtrot.actor.restarts': event.restarts });
        close(event.child);
        return;
      case 'child-stopped':
      case 'child-removed':
      case 'child-exited':
        close(event.child);
        return;
      case 'escalated': {
        telemetry.instruments.escalations.add(1, attributes);
        if (tracer === undefined) return;
        const span = tracer.startSpan(
          `escalate ${event.supervisor}`,
          { kind: SpanKind.INTERNAL, attributes },
          parentOf(event.reason),
        );
        span.setStatus({ code: SpanStatusCode.ERROR, message: describeExit(event.reason) });
        span.end();
        return;
      }
      case 'child-started':
      case 'supervisor-stopped':
        return;
    }
  };
}
