import type { AnyActorRef, EventObject } from 'xstate';

/** A delayed event the machine scheduled on itself (`after`, delayed `raise`/`sendTo` self), still pending. */
export interface PendingTimer {
  id: string;
  event: EventObject;
  delay: number;
  startedAt: number;
}

/*
 * XState (5.33) keeps pending delayed events in its system scheduler, outside the persisted snapshot: restoring a
 * snapshot brings back the state but not the timers that should leave it. We record them beside the snapshot and
 * schedule them again, for what is left of their delay, with the same ids so that exit actions still cancel them.
 */
export function capturePendingTimers(actor: AnyActorRef): PendingTimer[] {
  const scheduled = actor.system.getSnapshot()._scheduledEvents;
  const timers: PendingTimer[] = [];
  for (const key in scheduled) {
    const entry = scheduled[key];
    if (entry === undefined || entry.source !== actor || entry.target !== actor) continue;
    timers.push({ id: entry.id, event: entry.event, delay: entry.delay, startedAt: entry.startedAt });
  }
  return timers;
}

export function rearmTimers(actor: AnyActorRef, timers: readonly PendingTimer[], now: number): void {
  for (const timer of timers) {
    const remaining = Math.max(0, timer.startedAt + timer.delay - now);
    actor.system.scheduler.schedule(actor, actor, timer.event, remaining, timer.id);
  }
}
