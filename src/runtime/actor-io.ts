import { createNoopMeter, type Meter } from '@opentelemetry/api';
import type { ActorTelemetry } from '../telemetry/actor-telemetry.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { ActorIO } from './actor-definition.ts';
import type { EnvelopeOptions } from './envelope.ts';
import type { Router } from './router.ts';
import type { JournalEntry } from './snapshot-store.ts';
import { REPLY_TYPE } from './wire.ts';

export const DEFAULT_ASK_TIMEOUT_MS = 5000;

export interface ActorIOOptions {
  now?: () => number;
  /** Puts the trace context on what the actor sends; without it, messages carry none. */
  telemetry?: ActorTelemetry;
  meter?: Meter;
}

/** The effects an actor gets, backed by its endpoint's router: the same code in a worker and inline. */
export function createActorIO(
  router: Router,
  self: string,
  log: Logger,
  journal: (entry: JournalEntry) => void,
  options: ActorIOOptions = {},
): ActorIO {
  const now = options.now ?? Date.now;
  const telemetry = options.telemetry;
  const traced =
    telemetry === undefined
      ? <T extends EnvelopeOptions>(_to: string, _type: string, given: T | undefined) => given
      : <T extends EnvelopeOptions>(to: string, type: string, given: T | undefined) =>
          telemetry.outgoing(to, type, given);
  return {
    self,
    log,
    meter: options.meter ?? createNoopMeter(),
    now,
    journal: (stream, type, data) => {
      journal({ stream, type, data, at: now() });
      router.scheduleCommit();
    },
    // An actor cannot wait for room: what does not fit a window is held (still delivered), its endpoint pauses
    // its input, and false tells a producer to wait for writable() before it sends more.
    tell: (to, type, payload, given) =>
      router.tell(self, to, type, payload, traced(to, type, given), true) === 'sent',
    ask: (to, type, payload, given) =>
      router.ask(self, to, type, payload, {
        ...traced(to, type, given),
        timeoutMs: given?.timeoutMs ?? DEFAULT_ASK_TIMEOUT_MS,
      }),
    room: (to, limit) => router.room(to, limit),
    writable: () => router.whenWritable(),
    reply: (request, payload) => {
      if (request.replyTo === undefined) return;
      const replyOptions = traced(request.replyTo, REPLY_TYPE, { correlationId: request.correlationId });
      router.tell(self, request.replyTo, REPLY_TYPE, payload, replyOptions, true);
    },
  };
}
