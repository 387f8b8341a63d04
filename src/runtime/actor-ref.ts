import { DeadLetterError, MailboxFullError } from '../resilience/errors.ts';
import type { AskOptions } from './actor-definition.ts';
import { DEFAULT_ASK_TIMEOUT_MS } from './actor-io.ts';
import type { EnvelopeOptions } from './envelope.ts';
import { assertMessage, type MessageType, type PayloadOf, type Protocol, type ReplyOf } from './protocol.ts';
import type { Router } from './router.ts';
import { withTimeout } from './timeout.ts';

/**
 * A handle to an actor by id, for code outside any actor (a host application, a test). It never knows where the
 * actor runs. With a protocol, messages are checked before they leave, so a mistake fails at the call.
 */
export interface ActorRef<P extends Protocol = Protocol> {
  readonly id: string;
  /** Sends; false when the actor's mailbox is full (nothing was sent). */
  tell<K extends MessageType<P>>(type: K, payload: PayloadOf<P, K>, options?: EnvelopeOptions): boolean;
  /** Sends, waiting for room in the actor's mailbox first; rejects after `timeoutMs` without room. */
  send<K extends MessageType<P>>(type: K, payload: PayloadOf<P, K>, options?: AskOptions): Promise<void>;
  ask<K extends MessageType<P>>(
    type: K,
    payload: PayloadOf<P, K>,
    options?: AskOptions,
  ): Promise<ReplyOf<P, K>>;
}

export function createActorRef<P extends Protocol>(
  router: Router,
  from: string,
  id: string,
  protocol: P | undefined,
  askTimeoutMs = DEFAULT_ASK_TIMEOUT_MS,
  /** Puts trace context on what is sent (a new trace where the options ask for one, see TraceStart). */
  traced: <T extends EnvelopeOptions>(to: string, type: string, options: T | undefined) => T | undefined = (
    _to,
    _type,
    options,
  ) => options,
): ActorRef<P> {
  const check = (type: string, payload: unknown) => {
    if (protocol) assertMessage(protocol, id, type, payload);
  };
  const ref: ActorRef<P> = {
    id,
    tell(type, payload, options) {
      check(type, payload);
      return router.tell(from, id, type, payload, traced(id, type, options)) !== 'full';
    },
    async send(type, payload, options) {
      check(type, payload);
      const deadline = Date.now() + (options?.timeoutMs ?? askTimeoutMs);
      const sending = traced(id, type, options);
      for (;;) {
        const status = router.tell(from, id, type, payload, sending);
        if (status === 'sent') return;
        if (status === 'dead') throw new DeadLetterError(id, 'see dead letters');
        const left = deadline - Date.now();
        if (left <= 0) throw new MailboxFullError(id, router.window);
        await withTimeout(router.whenWritable(), left, undefined);
      }
    },
    async ask(type, payload, options) {
      check(type, payload);
      return router.ask(from, id, type, payload, {
        ...traced(id, type, options),
        timeoutMs: options?.timeoutMs ?? askTimeoutMs,
        ...(protocol ? { checkReply: (reply: unknown) => protocol.checkReply(type, reply) } : {}),
      });
    },
  };
  return ref;
}
