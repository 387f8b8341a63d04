import { Type } from '@sinclair/typebox';
import type { InspectionEvent } from 'xstate';
import { toCloneable } from './cloneable.ts';

/**
 * An XState inspection event made fit to cross threads. XState's own events hold live actor refs (not cloneable);
 * this keeps what a person or a tracer reads: which actor, what happened, the event type, and the state after.
 */
export interface InspectionRecord {
  /** `@xstate.event`, `@xstate.snapshot`, `@xstate.action`, `@xstate.actor`, ... */
  type: string;
  /** The Foxtrot actor whose machine (or one of its invoked children) this is about. */
  actor: string;
  /** The XState actor inside it (the machine's own id, or an invoked child's). */
  ref: string;
  source?: string;
  event?: string;
  action?: string;
  value?: unknown;
  status?: string;
  context?: unknown;
  at: number;
}

export const InspectionRecordSchema = Type.Object({
  type: Type.String(),
  actor: Type.String(),
  ref: Type.String(),
  source: Type.Optional(Type.String()),
  event: Type.Optional(Type.String()),
  action: Type.Optional(Type.String()),
  value: Type.Optional(Type.Unknown()),
  status: Type.Optional(Type.String()),
  context: Type.Optional(Type.Unknown()),
  at: Type.Number(),
});

const refId = (ref: unknown): string => String((ref as { id?: unknown } | undefined)?.id ?? 'unknown');

export function serializeInspection(
  actor: string,
  event: InspectionEvent,
  at = Date.now(),
): InspectionRecord {
  const record: InspectionRecord = { type: event.type, actor, ref: refId(event.actorRef), at };
  if ('event' in event && event.event) record.event = event.event.type;
  if (event.type === '@xstate.event' && event.sourceRef) record.source = refId(event.sourceRef);
  if (event.type === '@xstate.action') record.action = event.action.type;
  if ('snapshot' in event && event.snapshot) {
    const snapshot = event.snapshot as { value?: unknown; status?: string; context?: unknown };
    record.value = toCloneable(snapshot.value);
    if (snapshot.status !== undefined) record.status = snapshot.status;
    record.context = toCloneable(snapshot.context);
  }
  return record;
}
