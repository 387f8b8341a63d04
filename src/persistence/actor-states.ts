import type { ActorCommit } from '../runtime/snapshot-store.ts';
import type { StoredActorState } from '../runtime/worker/protocol.ts';
import { appendJournal } from './journal.ts';
import { decodeRecord, encodeCloneable } from './record-codec.ts';
import type { FoxtrotStore } from './store.ts';

/*
 * An actor's saved state is two records: its machine (snapshot and timers), rewritten when it changes, and its
 * endpoint's progress (watermarks, link numbering, unacknowledged envelopes), rewritten at every commit that
 * moved it. Both are written in the transaction that appends the turn's journal entries.
 */

const MACHINE = 'machine';
const PROGRESS = 'progress';

/** Writes one actor's commit. Call inside a transaction (FoxtrotStore.write). */
export function writeActorCommit(store: FoxtrotStore, actorId: string, commit: ActorCommit): void {
  const { actors } = store.dbs;
  if (commit.machine) actors.putSync([actorId, MACHINE], encodeCloneable(commit.machine));
  actors.putSync([actorId, PROGRESS], encodeCloneable(commit.progress));
  if (commit.journal.length > 0) appendJournal(store, actorId, commit.journal);
}

export function readActorState(store: FoxtrotStore, actorId: string): StoredActorState | undefined {
  const machine = store.dbs.actors.get([actorId, MACHINE]);
  if (machine === undefined) return undefined;
  const progress = store.dbs.actors.get([actorId, PROGRESS]);
  if (progress === undefined) throw new Error(`actor '${actorId}': machine saved without its progress`);
  const where = (part: string) => `actor state ${JSON.stringify([actorId, part])}`;
  try {
    return {
      ...decodeRecord<Pick<StoredActorState, 'machine' | 'timers'>>(machine as Uint8Array),
      ...decodeRecord<Omit<StoredActorState, 'machine' | 'timers'>>(progress as Uint8Array),
    };
  } catch (error) {
    throw new Error(`${where(MACHINE)}/${PROGRESS}: ${(error as Error).message}`);
  }
}

export function deleteActorState(store: FoxtrotStore, actorId: string): void {
  store.write(() => {
    store.dbs.actors.removeSync([actorId, MACHINE]);
    store.dbs.actors.removeSync([actorId, PROGRESS]);
  });
}

/** The ids of the actors with saved state. */
export function savedActorIds(store: FoxtrotStore): string[] {
  const ids = new Set<string>();
  for (const key of store.dbs.actors.getKeys()) ids.add((key as [string, string])[0]);
  return [...ids];
}
