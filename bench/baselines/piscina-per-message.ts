import { Piscina } from 'piscina';
import { envelopeFactory } from './workers/envelope.mjs';

export interface PiscinaPerMessage {
  /** Envelopes per second, each a task run on the pool from the main thread and awaited there. */
  throughput(count: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * The peer where the main thread hands every message to a piscina pool as a task (`workers/piscina-task.mjs`
 * handles one envelope), keeping `inFlight` tasks submitted and not yet settled. `threads`: the pool's size, fixed.
 * Each thread may hold its share of the tasks in flight at once (`concurrentTasksPerWorker`), so they are in flight
 * to the threads, not queued in the main thread: with piscina's default of one, every task waits for the answer to
 * the one before (a round trip each), which about halved the rate on the development machine.
 */
export function startPiscinaPerMessage(threads: number, inFlight: number): PiscinaPerMessage {
  const pool = new Piscina<unknown, void>({
    filename: new URL('./workers/piscina-task.mjs', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: Math.ceil(inFlight / threads),
  });
  const envelope = envelopeFactory();
  return {
    async throughput(count) {
      let sent = 0;
      const started = performance.now();
      const lane = async () => {
        while (sent < count) {
          sent += 1;
          await pool.run(envelope('producer', 'consumer', 'item', { n: sent }));
        }
      };
      await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
      return count / ((performance.now() - started) / 1000);
    },
    close: () => pool.destroy(),
  };
}
