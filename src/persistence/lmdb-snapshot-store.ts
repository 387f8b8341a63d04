import { siblingModule } from '../runtime/actor-source.ts';
import type { JournalEntry, SnapshotStore, WorkerWriterSource } from '../runtime/snapshot-store.ts';
import type { StoredActorState } from '../runtime/worker/protocol.ts';
import { deleteActorState, readActorState, writeActorCommit } from './actor-states.ts';
import { appendJournal } from './journal.ts';
import type { FoxtrotStore } from './store.ts';
import type { WorkerWriterOptions } from './worker-writer.ts';

/**
 * The runtime's snapshot store on LMDB. Actors in workers commit to it from their own threads (workerWriter);
 * inline actors (tests, backtests) save through it from this thread. Either way a commit is one synchronous
 * transaction: state, progress, journal and views together.
 */
export class LmdbSnapshotStore implements SnapshotStore {
  readonly workerWriter: WorkerWriterSource;

  constructor(readonly store: FoxtrotStore) {
    const options: WorkerWriterOptions = { path: store.path, durability: store.durability };
    this.workerWriter = {
      module: siblingModule('./worker-writer', import.meta.url).href,
      export: 'openWorkerWriter',
      options,
    };
  }

  load(actorId: string): StoredActorState | undefined {
    return readActorState(this.store, actorId);
  }

  save(actorId: string, state: StoredActorState | undefined, journal: readonly JournalEntry[] = []): void {
    this.store.write(() => {
      if (state === undefined) {
        appendJournal(this.store, actorId, journal);
        return;
      }
      const { machine, timers, ...progress } = state;
      writeActorCommit(this.store, actorId, { machine: { machine, timers }, progress, journal });
    });
  }

  delete(actorId: string): void {
    deleteActorState(this.store, actorId);
  }
}
