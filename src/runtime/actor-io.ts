import type { Logger } from '../telemetry/logger.ts';
import type { ActorIO } from './actor-definition.ts';
import type { Router } from './router.ts';
import type { JournalEntry } from './snapshot-store.ts';
import { REPLY_TYPE } from './wire.ts';

export const DEFAULT_ASK_TIMEOUT_MS = 5000;

/** The effects an actor gets, backed by its endpoint's router: the same code in a worker and inline. */
export function createActorIO(
  router: Router,
  self: string,
  log: Logger,
  journal: (entry: JournalEntry) => void,
  now: () => number = Date.now,
): ActorIO {
  return {
    self,
    log,
    now,
    journal: (stream, type, data) => {
      journal({ stream, type, data, at: now() });
      router.scheduleCommit();
    },
    // An actor cannot wait for room: what does not fit a window is held (still delivered), its endpoint pauses
    // its input, and false tells a producer to wait for writable() before it sends more.
    tell: (to, type, payload, options) => router.tell(self, to, type, payload, options, true) === 'sent',
    ask: (to, type, payload, options) =>
      router.ask(self, to, type, payload, {
        ...options,
        timeoutMs: options?.timeoutMs ?? DEFAULT_ASK_TIMEOUT_MS,
      }),
    room: (to, limit) => router.room(to, limit),
    writable: () => router.whenWritable(),
    reply: (request, payload) => {
      if (request.replyTo === undefined) return;
      router.tell(self, request.replyTo, REPLY_TYPE, payload, { correlationId: request.correlationId }, true);
    },
  };
}
