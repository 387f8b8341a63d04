import type { Envelope } from '../runtime/envelope.ts';
import type { OutgoingState } from '../runtime/router.ts';
import type { ActorCommit } from '../runtime/snapshot-store.ts';
import type { StoredActorState } from '../runtime/worker/protocol.ts';
import { type PreparedJournal, prepareJournal, readStream, writeJournal } from './journal.ts';
import { STREAM } from './layout.ts';
import { decodeRecord, encodeCloneable } from './record-codec.ts';
import type { FoxtrotStore } from './store.ts';

/*
 * An actor's saved state is two records: its machine (snapshot and timers), rewritten when it changes, and its
 * endpoint's progress (watermarks, link numbering, unacknowledged envelopes), rewritten at every commit that
 * moved it. Both are written in the transaction that appends the turn's journal entries.
 */

const MACHINE = 'machine';
const PROGRESS = 'progress';
/** [actorId, OUTBOX, link, firstSeq, lastSeq] -> the envelopes an endpoint numbered on a link in one commit. */
const OUTBOX = 'outbox';

/** A machine record: the snapshot, its timers, and how much of the actor's input journal it covers. */
interface MachineRecord extends Pick<StoredActorState, 'machine' | 'timers'> {
  covers?: number;
}

/** An actor's commit encoded and numbered, ready to write (see prepareActorCommit). */
export interface PreparedCommit {
  actorId: string;
  inputs: PreparedJournal | undefined;
  machine: Buffer | undefined;
  /** Input records a new machine snapshot lets go, through this seq. */
  compactThrough: number | undefined;
  progress: Buffer;
  outboxSent: Array<{ key: OutboxKey; value: Buffer }>;
  acknowledged: Record<string, number>;
  journal: PreparedJournal | undefined;
}

/**
 * Encodes and numbers one actor's commit without writing: the machine snapshot, the progress and the outbox in
 * the v8 format, the journal records in msgpack. Done before the transaction, so that LMDB's one write lock,
 * which every actor's commit takes, is held only for the puts.
 */
export function prepareActorCommit(
  store: FoxtrotStore,
  actorId: string,
  commit: ActorCommit,
): PreparedCommit {
  const inputStream = STREAM.actorInputs(actorId);
  let inputs: PreparedJournal | undefined;
  if (commit.inputs && commit.inputs.length > 0) {
    // One record per commit, not per message: a put each would be most of an actor's commit.
    const last = commit.inputs[commit.inputs.length - 1] as Envelope;
    inputs = prepareJournal(store, actorId, [
      { stream: inputStream, type: 'inputs', data: commit.inputs, at: last.timestamp },
    ]);
  }
  let machine: Buffer | undefined;
  let compactThrough: number | undefined;
  if (commit.machine) {
    const record: MachineRecord = { ...commit.machine };
    if (commit.inputs !== undefined) {
      record.covers = inputs?.heads.get(inputStream) ?? store.headOf(inputStream);
      compactThrough = record.covers - (commit.keepInputs ?? 0);
    }
    machine = encodeCloneable(record);
  }
  return {
    actorId,
    inputs,
    machine,
    compactThrough,
    progress: encodeCloneable(commit.progress),
    outboxSent: (commit.outbox?.sent ?? []).map(({ link, firstSeq, envelopes }) => ({
      key: [actorId, OUTBOX, link, firstSeq, firstSeq + envelopes.length - 1],
      value: encodeCloneable(envelopes),
    })),
    acknowledged: commit.outbox?.acknowledged ?? {},
    journal: commit.journal.length > 0 ? prepareJournal(store, actorId, commit.journal) : undefined,
  };
}

/** Writes a prepared commit. Call inside a transaction (FoxtrotStore.write). */
export function writePreparedCommit(store: FoxtrotStore, prepared: PreparedCommit): void {
  const { actors } = store.dbs;
  const { actorId } = prepared;
  if (prepared.inputs !== undefined) writeJournal(store, prepared.inputs);
  if (prepared.machine !== undefined) {
    if (prepared.compactThrough !== undefined)
      compactInputs(store, STREAM.actorInputs(actorId), prepared.compactThrough);
    actors.putSync([actorId, MACHINE], prepared.machine);
  }
  actors.putSync([actorId, PROGRESS], prepared.progress);
  for (const { key, value } of prepared.outboxSent) actors.putSync(key, value);
  releaseAcknowledged(store, actorId, prepared.acknowledged);
  if (prepared.journal !== undefined) writeJournal(store, prepared.journal);
}

/** Writes one actor's commit. Call inside a transaction (FoxtrotStore.write). */
export function writeActorCommit(store: FoxtrotStore, actorId: string, commit: ActorCommit): void {
  writePreparedCommit(store, prepareActorCommit(store, actorId, commit));
}

/** Lets go of the outbox envelopes each link's peer has acknowledged. */
function releaseAcknowledged(
  store: FoxtrotStore,
  actorId: string,
  acknowledged: Record<string, number>,
): void {
  const { actors } = store.dbs;
  for (const [link, through] of Object.entries(acknowledged)) {
    for (const key of actors.getKeys({
      start: [actorId, OUTBOX, link, 0],
      end: [actorId, OUTBOX, link, through + 1],
    })) {
      if ((key as OutboxKey)[4] <= through) actors.removeSync(key);
    }
  }
}

type OutboxKey = [string, string, string, number, number];

/**
 * The envelopes each link's peer had not acknowledged, from the outbox, as the progress's `pending`: the next
 * incarnation sends them again in order. Throws when the outbox lacks one of them (the store is damaged).
 */
function withOutbox(store: FoxtrotStore, actorId: string, outgoing: OutgoingState): OutgoingState {
  const links: OutgoingState['links'] = {};
  for (const [link, state] of Object.entries(outgoing.links)) {
    if (state.acked === undefined) {
      links[link] = state;
      continue;
    }
    const pending: Envelope[] = [];
    let next = state.acked + 1;
    for (const { key, value } of store.dbs.actors.getRange({
      start: [actorId, OUTBOX, link, 0],
      end: [actorId, OUTBOX, link, state.nextSeq],
    })) {
      const [, , , firstSeq, lastSeq] = key as OutboxKey;
      if (lastSeq < next) continue;
      if (firstSeq > next) break;
      const envelopes = decodeRecord<Envelope[]>(value as Uint8Array);
      pending.push(...envelopes.slice(next - firstSeq));
      next = lastSeq + 1;
    }
    if (next !== state.nextSeq) {
      throw new Error(
        `actor '${actorId}': its outbox to '${link}' lacks envelopes ${next}..${state.nextSeq - 1}, which its peer never acknowledged`,
      );
    }
    links[link] = { ...state, pending };
  }
  return { ...outgoing, links };
}

/** Drops an actor's input records up to `throughSeq`: a snapshot covers them. */
function compactInputs(store: FoxtrotStore, stream: string, throughSeq: number): void {
  if (throughSeq < 1) return;
  const { journal } = store.dbs;
  const covered = [...journal.getKeys({ start: [stream, 0], end: [stream, throughSeq + 1] })];
  for (const key of covered) journal.removeSync(key);
}

export function readActorState(store: FoxtrotStore, actorId: string): StoredActorState | undefined {
  const machine = store.dbs.actors.get([actorId, MACHINE]);
  if (machine === undefined) return undefined;
  const progress = store.dbs.actors.get([actorId, PROGRESS]);
  if (progress === undefined) throw new Error(`actor '${actorId}': machine saved without its progress`);
  const where = (part: string) => `actor state ${JSON.stringify([actorId, part])}`;
  let state: StoredActorState;
  let covers: number | undefined;
  try {
    const { covers: covered, ...saved } = decodeRecord<MachineRecord>(machine as Uint8Array);
    covers = covered;
    const endpoint = decodeRecord<Omit<StoredActorState, 'machine' | 'timers'>>(progress as Uint8Array);
    state = { ...saved, ...endpoint, outgoing: withOutbox(store, actorId, endpoint.outgoing) };
  } catch (error) {
    throw new Error(`${where(MACHINE)}/${PROGRESS}: ${(error as Error).message}`);
  }
  if (covers === undefined) return state;
  const replay = [...readStream(store, STREAM.actorInputs(actorId), covers)].flatMap(
    (record) => record.data as Envelope[],
  );
  return replay.length > 0 ? { ...state, replay } : state;
}

export function deleteActorState(store: FoxtrotStore, actorId: string): void {
  store.write(() => {
    store.dbs.actors.removeSync([actorId, MACHINE]);
    store.dbs.actors.removeSync([actorId, PROGRESS]);
    for (const key of store.dbs.actors.getKeys({ start: [actorId, OUTBOX] })) {
      const [owner, part] = key as OutboxKey;
      if (owner !== actorId || part !== OUTBOX) break;
      store.dbs.actors.removeSync(key);
    }
  });
}

/** The ids of the actors with saved state. */
export function savedActorIds(store: FoxtrotStore): string[] {
  const ids = new Set<string>();
  for (const key of store.dbs.actors.getKeys()) ids.add((key as [string, string])[0]);
  return [...ids];
}
