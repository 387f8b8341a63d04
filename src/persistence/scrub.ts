import { siblingModule } from '../runtime/actor-source.ts';
import { spawnWorker } from '../runtime/worker/spawn.ts';
import type { IntegrityProblem } from './integrity.ts';
import type { Durability } from './store.ts';

export interface ScrubRequest {
  path: string;
  durability: Durability;
}

/** What the check found, and how long it took (ms); `error` when it could not run at all. */
export interface ScrubResult {
  ok: boolean;
  journalRecords: number;
  problems: IntegrityProblem[];
  ms: number;
  error?: string;
  /** It was stopped (the node is stopping) before it finished. */
  stopped?: boolean;
}

export interface Scrub {
  /** Settles once the check ran (or could not): never rejects. */
  readonly result: Promise<ScrubResult>;
  /** Stops a check still running (the node is stopping) and waits for its thread to end. */
  stop(): Promise<void>;
}

function isScrubResult(value: unknown): value is ScrubResult {
  const candidate = value as Partial<ScrubResult> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.ok === 'boolean' &&
    typeof candidate.journalRecords === 'number' &&
    typeof candidate.ms === 'number' &&
    Array.isArray(candidate.problems)
  );
}

const failed = (error: string): ScrubResult => ({ ok: false, journalRecords: 0, problems: [], ms: 0, error });

/**
 * Runs checkIntegrity over the whole store in a worker thread, beside a running node: its time grows with the
 * journal, so a node's start checks only what it reads (checkLiveState) and leaves the history to this.
 */
export function startScrub(request: ScrubRequest): Scrub {
  // A flag the check reads as it goes: it ends its read transaction and closes the store itself, which a
  // terminated thread would not.
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const worker = spawnWorker(siblingModule('./scrub-worker', import.meta.url), {
    workerData: { ...request, stop },
    name: 'store-scrub',
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const result = new Promise<ScrubResult>((resolve) => {
    worker.once('message', (message: unknown) => {
      resolve(
        isScrubResult(message) ? message : failed('the check answered with something that is no report'),
      );
    });
    worker.once('error', (error) => resolve(failed(error.message)));
    worker.once('exit', (code) => resolve(failed(`its thread exited (code ${code}) with no report`)));
  });
  return {
    result,
    async stop() {
      Atomics.store(stop, 0, 1);
      await exited;
    },
  };
}
