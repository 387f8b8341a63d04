import { parentPort, workerData } from 'node:worker_threads';
import { CheckStopped, checkIntegrity } from './integrity.ts';
import type { ScrubRequest, ScrubResult } from './scrub.ts';
import { FoxtrotStore } from './store.ts';

/**
 * The whole-store check of a running node, in a thread of its own: lmdb-js reads are safe from any thread and see
 * one consistent snapshot for the length of the read, so the actors keep writing meanwhile.
 */
const { path, durability, stop } = workerData as ScrubRequest & { stop: Int32Array };
const store = FoxtrotStore.attach(path, durability);
let result: ScrubResult;
try {
  const started = performance.now();
  const { ok, journalRecords, problems } = checkIntegrity(store, {
    fold: false,
    stopped: () => Atomics.load(stop, 0) === 1,
  });
  result = { ok, journalRecords, problems, ms: performance.now() - started };
} catch (error) {
  const stopped = error instanceof CheckStopped;
  result = { ok: false, journalRecords: 0, problems: [], ms: 0, error: (error as Error).message, stopped };
}
await store.close();
parentPort?.postMessage(result);
