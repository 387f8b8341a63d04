import type { Envelope } from './envelope.ts';
import type { OutboxChanges } from './router.ts';
import type { StoredActorState } from './worker/protocol.ts';

/** A record an actor asks to journal (`io.journal`): committed with the actor's state, in the same transaction. */
export interface JournalEntry {
  stream: string;
  type: string;
  data: unknown;
  /** The actor's clock when it journaled the entry (ms). */
  at: number;
}

/** A module a worker imports to commit its own actor's state (see SnapshotStore.workerWriter). */
export interface WorkerWriterSource {
  module: string;
  export: string;
  options: unknown;
}

/**
 * What a worker commits at the end of a turn, before anything it sent leaves: the machine (when it changed), the
 * endpoint's progress, and the turn's journal entries.
 */
export interface ActorCommit {
  machine?: Pick<StoredActorState, 'machine' | 'timers'>;
  progress: Omit<StoredActorState, 'machine' | 'timers' | 'replay'>;
  journal: readonly JournalEntry[];
  /** Messages that changed the machine in this commit, journaled for replay (see ActorDefinition.replayable). */
  inputs?: readonly Envelope[];
  /**
   * What the endpoint numbered on its links in this commit: kept until the peers acknowledge it (the progress's
   * `acked`), so that a whole-process kill, which takes the peers' ports too, loses none of it.
   */
  outbox?: OutboxChanges;
  /** With a machine: how many messages before it to keep in its input journal; older ones are compacted. */
  keepInputs?: number;
}

export interface WorkerStateWriter {
  commit(actorId: string, commit: ActorCommit): void;
}

export type WorkerWriterFactory = (options: unknown) => Promise<WorkerStateWriter> | WorkerStateWriter;

/**
 * Where actors' state is kept between incarnations. The store lives with the supervisors, outside the actor's
 * thread, so that it survives the thread's death. The in-memory store serves tests and embedded hosts that do
 * not need state across process restarts; persistence on LMDB implements the same interface.
 */
export interface SnapshotStore {
  load(actorId: string): Promise<StoredActorState | undefined> | StoredActorState | undefined;
  /** Saves the state (if given) and appends the journal entries, at once. */
  save(actorId: string, state: StoredActorState | undefined, journal?: readonly JournalEntry[]): void;
  delete(actorId: string): void;
  /**
   * Set by a durable store: each worker commits its actor's state itself, in its own thread, at every commit
   * and before its messages leave, instead of posting it here (where a kill of the whole process could lose
   * state that peers had already acted on).
   */
  readonly workerWriter?: WorkerWriterSource;
}

export class InMemorySnapshotStore implements SnapshotStore {
  private readonly states = new Map<string, StoredActorState>();
  private readonly streams = new Map<string, JournalEntry[]>();

  load(actorId: string): StoredActorState | undefined {
    return this.states.get(actorId);
  }

  save(actorId: string, state: StoredActorState | undefined, journal: readonly JournalEntry[] = []): void {
    if (state !== undefined) this.states.set(actorId, state);
    for (const entry of journal) {
      let stream = this.streams.get(entry.stream);
      if (stream === undefined) {
        stream = [];
        this.streams.set(entry.stream, stream);
      }
      stream.push(entry);
    }
  }

  delete(actorId: string): void {
    this.states.delete(actorId);
  }

  /** A stream's entries in the order they were journaled. */
  journal(stream: string): readonly JournalEntry[] {
    return this.streams.get(stream) ?? [];
  }
}
