import { once, worker } from './raw.ts';
import { createRing } from './workers/sab-ring.mjs';

export interface RawRing {
  /** Envelopes per second from the sender worker to the receiver worker through the ring. */
  throughput(count: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * The same envelopes as the raw pair's, from a bare sender worker to a bare receiver worker through a
 * SharedArrayBuffer ring of `slots` slots (`workers/sab-ring.mjs`): no postMessage, no structured clone.
 */
export function startSabRing(slots = 1024): RawRing {
  const ring = createRing(slots);
  const sender = worker('sab-sender');
  const receiver = worker('sab-receiver');
  sender.postMessage({ ring });
  receiver.postMessage({ ring });
  return {
    async throughput(count) {
      const ready = once<{ ready?: boolean }>(receiver, (m) => m.ready === true);
      const done = once<{ done?: number }>(receiver, (m) => m.done === count);
      receiver.postMessage({ expect: count });
      await ready;
      const started = performance.now();
      sender.postMessage({ count });
      await done;
      return count / ((performance.now() - started) / 1000);
    },
    async close() {
      await Promise.all([sender.terminate(), receiver.terminate()]);
    },
  };
}
