import { type AnyActorRef, createActor } from 'xstate';
import type { ActorIO } from '../../src/runtime/actor-definition.ts';
import type { MessageMeta } from '../../src/runtime/envelope.ts';
import { silentIO } from '../../src/runtime/silent-io.ts';
import { pipeTransitionActor } from '../actors/pipe.ts';
import { envelopeFactory } from './workers/envelope.mjs';

export interface OneThreadPair {
  /** Events per second from the producer actor to the consumer actor, each handled by a transition. */
  throughput(count: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * The peer with no isolation: two plain XState actors (`createActor`) in the calling thread, both running the
 * machine of the throughput benchmark's transition consumer (bench/actors/pipe.ts). The producer's `produce` action
 * sends each item straight to the consumer with `send`, the same event the runtime gives a machine
 * (`{ type, payload, meta }`, the meta an envelope like the raw sender's); the consumer handles it by a transition.
 * No validation, no window, no persistence, nothing crosses a thread.
 */
export function startXStateOneThread(): OneThreadPair {
  const envelope = envelopeFactory();
  const actors = new Map<string, AnyActorRef>();
  let answer: ((payload: unknown) => void) | undefined;
  const io = (self: string): ActorIO => ({
    ...silentIO(self),
    tell(to, type, payload) {
      actors.get(to)?.send({ type, payload, meta: envelope(self, to, type, payload) });
      return true;
    },
    reply: (_request, payload) => answer?.(payload),
  });
  const start = (id: string) => {
    const { machine, effects } = pipeTransitionActor;
    const actor = createActor(effects ? machine.provide(effects(io(id))) : machine, { id });
    actors.set(id, actor);
    return actor.start();
  };
  const producer = start('producer');
  const consumer = start('consumer');
  const meta = (to: string, type: string): MessageMeta => envelope('main', to, type, {});
  return {
    async throughput(count) {
      const done = new Promise<{ handled: number }>((resolve) => {
        answer = (payload) => resolve(payload as { handled: number });
      });
      consumer.send({ type: 'expect', payload: { count }, meta: meta('consumer', 'expect') });
      const started = performance.now();
      producer.send({
        type: 'produce',
        payload: { to: 'consumer', count },
        meta: meta('producer', 'produce'),
      });
      const { handled } = await done;
      const elapsed = performance.now() - started;
      if (handled !== count) throw new Error(`the consumer handled ${handled} of ${count} events`);
      return count / (elapsed / 1000);
    },
    async close() {
      producer.stop();
      consumer.stop();
    },
  };
}
