import { MessageChannel, Worker } from 'node:worker_threads';
import { RUNTIME_PACKAGES } from '../../src/runtime/worker/spawn.ts';
import { percentile } from '../lib/stats.ts';

/* The physical limits on Node that the runtime is measured against, each on real worker threads. */

/** A bare worker running `./workers/NAME.mjs`. */
export const worker = (name: string, workerData?: unknown) =>
  new Worker(new URL(`./workers/${name}.mjs`, import.meta.url), { workerData });

/** The first message of `target` that `predicate` accepts. */
export const once = <T>(target: Worker, predicate: (message: T) => boolean): Promise<T> =>
  new Promise((resolve) => {
    const listener = (message: T) => {
      if (!predicate(message)) return;
      target.off('message', listener);
      resolve(message);
    };
    target.on('message', listener);
  });

export interface RawPair {
  /** Envelopes per second from the sender worker to the receiver worker, `batch` envelopes per postMessage. */
  throughput(count: number, batch: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * A sender and a receiver worker. `direct`: the sender posts to a port whose other end is the receiver's.
 * `main-relay`: the sender's port ends in the main thread, which posts every message it gets on to the receiver's
 * port as it arrives (the common design where workers talk only through the main thread).
 */
export async function startRawPair(route: 'direct' | 'main-relay' = 'direct'): Promise<RawPair> {
  const sender = worker('raw-sender');
  const receiver = worker('raw-receiver');
  const toReceiver = new MessageChannel();
  const relay = route === 'main-relay' ? new MessageChannel() : undefined;
  relay?.port1.on('message', (message) => toReceiver.port1.postMessage(message));
  const senderPort = relay ? relay.port2 : toReceiver.port1;
  sender.postMessage({ port: senderPort }, [senderPort]);
  receiver.postMessage({ port: toReceiver.port2 }, [toReceiver.port2]);
  return {
    async throughput(count, batch) {
      const ready = once<{ ready?: boolean }>(receiver, (m) => m.ready === true);
      receiver.postMessage({ expect: count });
      await ready;
      const done = once<{ done?: number }>(receiver, (m) => m.done === count);
      const started = performance.now();
      sender.postMessage({ count, batch });
      await done;
      return count / ((performance.now() - started) / 1000);
    },
    async close() {
      if (relay) {
        relay.port1.close();
        toReceiver.port1.close();
      }
      await Promise.all([sender.terminate(), receiver.terminate()]);
    },
  };
}

export interface LatencyFigures extends Record<string, number> {
  p50: number;
  p99: number;
}

/** Round trips of `round()`, after `warmup` unmeasured ones: p50 and p99 in microseconds. */
export async function roundTrips(
  round: () => Promise<unknown>,
  count: number,
  warmup: number,
): Promise<LatencyFigures> {
  for (let i = 0; i < warmup; i += 1) await round();
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await round();
    samples.push((performance.now() - started) * 1000);
  }
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

export interface RawEcho {
  ping(): Promise<unknown>;
  close(): Promise<void>;
}

export function startRawEcho(): RawEcho {
  const echo = worker('echo');
  let n = 0;
  return {
    ping() {
      n += 1;
      const expected = n;
      const answer = once<{ n: number }>(echo, (m) => m.n === expected);
      echo.postMessage({ n: expected });
      return answer;
    },
    close: async () => {
      await echo.terminate();
    },
  };
}

/**
 * Milliseconds from `new Worker` to the first message of a worker that imports what an actor worker imports (and
 * `extra` packages: an actor committing to LMDB loads lmdb too).
 */
export async function bareWorkerStart(extra: string[] = []): Promise<number> {
  const started = performance.now();
  const bare = worker('bare', { packages: [...RUNTIME_PACKAGES, ...extra] });
  await once<string>(bare, (m) => m === 'ready');
  const elapsed = performance.now() - started;
  await bare.terminate();
  return elapsed;
}
