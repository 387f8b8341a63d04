import type { StoredActorState } from './worker/protocol.ts';

/**
 * Where actors' state is kept between incarnations. The store lives with the supervisors, outside the actor's
 * thread, so that it survives the thread's death. The in-memory store serves tests and embedded hosts that do
 * not need state across process restarts; persistence on LMDB implements the same interface.
 */
export interface SnapshotStore {
  load(actorId: string): Promise<StoredActorState | undefined> | StoredActorState | undefined;
  save(actorId: string, state: StoredActorState): void;
  delete(actorId: string): void;
}

export class InMemorySnapshotStore implements SnapshotStore {
  private readonly states = new Map<string, StoredActorState>();

  load(actorId: string): StoredActorState | undefined {
    return this.states.get(actorId);
  }

  save(actorId: string, state: StoredActorState): void {
    this.states.set(actorId, state);
  }

  delete(actorId: string): void {
    this.states.delete(actorId);
  }
}
