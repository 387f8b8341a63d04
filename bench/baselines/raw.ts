import { MessageChannel, Worker } from 'node:worker_threads';
import { RUNTIME_PACKAGES } from '../../src/runtime/worker/spawn.ts';
import { percentile } from '../lib/stats.ts';

/* The physical limits on Node that the runtime is measured against, each on real worker threads. */

const worker = (name: string, workerData?: unknown) =>
  new Worker(new URL(`./workers/${name}.mjs`, import.meta.url), { workerData });

const once = <T>(target: Worker, predicate: (message: T) => boolean): Promise<T> =>
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

export async function startRawPair(): Promise<RawPair> {
  const sender = worker('raw-sender');
  const receiver = worker('raw-receiver');
  const { port1, port2 } = new MessageChannel();
  sender.postMessage({ port: port1 }, [port1]);
  receiver.postMessage({ port: port2 }, [port2]);
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
