import type { ActorCommit, WorkerStateWriter } from '../runtime/snapshot-store.ts';
import { prepareActorCommit, writePreparedCommit } from './actor-states.ts';
import { type Durability, FoxtrotStore } from './store.ts';

export interface WorkerWriterOptions {
  path: string;
  durability: Durability;
}

/**
 * What an actor's worker loads to commit to the node's store from its own thread: lmdb-js shares the environment
 * the main thread opened, and a synchronous transaction is on disk (in the OS's cache, or synced in `fsync`
 * mode) before the worker's messages of that turn are posted.
 */
export function openWorkerWriter(options: unknown): WorkerStateWriter {
  const { path, durability } = options as WorkerWriterOptions;
  const store = FoxtrotStore.attach(path, durability);
  return {
    commit(actorId: string, commit: ActorCommit) {
      const prepared = prepareActorCommit(store, actorId, commit);
      store.write(() => {
        writePreparedCommit(store, prepared);
      });
    },
  };
}
