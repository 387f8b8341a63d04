import {
  type AnyActorRef,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  createActor,
  type InspectionEvent,
  type Snapshot,
} from 'xstate';
import type { ActorTelemetry } from '../telemetry/actor-telemetry.ts';
import type { ActorDefinition, ActorIO, FastHandlerActor } from './actor-definition.ts';
import type { Envelope, MessageMeta } from './envelope.ts';
import { type InspectionRecord, serializeInspection } from './inspection.ts';
import type { ActorClock } from './simulated-clock.ts';
import { decodeMachine, type EncodedMachine } from './snapshot-encoding.ts';
import { capturePendingTimers, type PendingTimer, rearmTimers } from './timers.ts';

function sameValue(a: unknown, b: unknown): boolean {
  return (
    a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b))
  );
}

/**
 * An actor's state as the snapshot store keeps it: the machine's persisted snapshot (encoded as bytes when a worker
 * saved it) and its pending timers.
 */
export interface PersistedActorState {
  machine: Snapshot<unknown> | EncodedMachine;
  timers: PendingTimer[];
}

export interface CellCounters {
  processed: number;
  rejected: number;
}

/** A serializable view of a running actor, for inspection across threads. */
export interface ActorView {
  id: string;
  kind: string;
  status: 'active' | 'done' | 'error' | 'stopped';
  value: unknown;
  context: unknown;
  counters: CellCounters;
}

export type DeliveryResult = { ok: true } | { ok: false; rejected: string } | { ok: false; failed: unknown };

export interface CellOptions {
  id: string;
  io: ActorIO;
  input?: unknown;
  restored?: PersistedActorState;
  now?: () => number;
  /** Receives every XState inspection event of this actor, made cloneable. */
  onInspection?: (record: InspectionRecord) => void;
  /** Messages handled after `restored` was saved, handled again on it (see ActorDefinition.replayable). */
  replay?: readonly Envelope[];
  /** Turns the effects off and on around the replay: what those messages made the actor do was done. */
  mute?: (muted: boolean) => void;
  /** Spans and metrics of every message handled (not of replayed ones, which were traced when first handled). */
  telemetry?: ActorTelemetry;
  /** The timers of the machine's delays: a simulated clock's in a backtest, the real ones otherwise. */
  clock?: Pick<ActorClock, 'setTimeout' | 'clearTimeout'>;
}

/**
 * Hosts one XState actor in the current thread, whatever the placement: validates each message against the
 * protocol, hands it to a fast handler or the machine, and reports errors and completion as data instead of
 * letting XState rethrow them from a timer (which would kill a worker with no report).
 */
export class ActorCell {
  readonly id: string;
  readonly kind: string;
  readonly counters: CellCounters = { processed: 0, rejected: 0 };
  private readonly actor: AnyActorRef;
  private readonly definition: ActorDefinition;
  private readonly io: ActorIO;
  private failure: unknown;
  /** What a fast handler sees of the actor; made once, as a handler runs for every high-rate message. */
  private readonly handlerView: FastHandlerActor<AnyStateMachine>;
  /** Set when a fast handler changed the context in place: identity checks cannot see that. */
  private changedInPlace = false;
  /** The fields a fast handler said it changed in the message being handled, for its span. */
  private readonly fieldsChanged: string[] = [];
  private failed = false;
  private lastPersisted: unknown;
  private lastTimers = '';
  private telemetry: ActorTelemetry | undefined;
  onFailure: ((error: unknown) => void) | undefined;
  onDone: ((output: unknown) => void) | undefined;
  /** Called after every transition, including those caused by timers and invoked actors, not messages. */
  onChange: (() => void) | undefined;

  constructor(definition: ActorDefinition, options: CellOptions) {
    this.id = options.id;
    this.kind = definition.kind;
    this.definition = definition;
    this.io = options.io;
    const machine = definition.effects
      ? definition.machine.provide(definition.effects(options.io))
      : definition.machine;
    this.actor = createActor(machine, {
      id: options.id,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.input === undefined ? {} : { input: options.input }),
      ...(options.restored ? { snapshot: decodeMachine(options.restored.machine) } : {}),
      ...(options.onInspection
        ? {
            inspect: (event: InspectionEvent) =>
              options.onInspection?.(serializeInspection(options.id, event)),
          }
        : {}),
    });
    this.actor.subscribe({
      next: () => this.onChange?.(),
      error: (error: unknown) => this.fail(error),
      complete: () => {
        const snapshot = this.actor.getSnapshot() as AnyMachineSnapshot;
        if (snapshot.status === 'done') this.onDone?.(snapshot.output);
      },
    });
    const actor = this.actor;
    this.handlerView = {
      get snapshot() {
        return actor.getSnapshot();
      },
      send: (event) => actor.send(event),
      changed: (...fields) => {
        this.changedInPlace = true;
        for (const field of fields) this.fieldsChanged.push(field);
      },
      update: (fields) => {
        const context = actor.getSnapshot().context as Record<string, unknown>;
        const next = fields as Record<string, unknown>;
        this.changedInPlace = true;
        for (const field in next) {
          if (context[field] === next[field]) continue;
          context[field] = next[field];
          this.fieldsChanged.push(field);
        }
      },
    };
    this.actor.start();
    if (this.failed) throw this.failure;
    this.lastPersisted = options.restored ? this.actor.getSnapshot() : undefined;
    if (options.restored) {
      rearmTimers(this.actor, options.restored.timers, (options.now ?? Date.now)());
      if (options.replay && options.replay.length > 0) this.replay(options.replay, options.mute);
      if (definition.restored) this.actor.send(definition.restored(options.input));
    }
    this.telemetry = options.telemetry;
  }

  private replay(messages: readonly Envelope[], mute: CellOptions['mute']): void {
    mute?.(true);
    try {
      for (const envelope of messages) {
        const result = this.deliver(envelope);
        if (!result.ok) {
          const why = 'rejected' in result ? result.rejected : (result.failed as Error).message;
          throw new Error(`replaying journaled message ${envelope.id} (${envelope.type}) failed: ${why}`);
        }
      }
    } finally {
      mute?.(false);
    }
  }

  get status(): ActorView['status'] {
    return (this.actor.getSnapshot() as AnyMachineSnapshot).status;
  }

  get isRunning(): boolean {
    return !this.failed && this.status === 'active';
  }

  deliver(envelope: Envelope): DeliveryResult {
    if (!this.isRunning)
      return { ok: false, failed: this.failure ?? new Error(`actor '${this.id}' is not running`) };
    const problem = this.definition.protocol.check(envelope.type, envelope.payload);
    if (problem !== undefined) {
      this.counters.rejected += 1;
      this.telemetry?.rejected(envelope.type);
      return { ok: false, rejected: problem };
    }
    // An envelope has every field of MessageMeta: handing it over as the meta saves a copy per message.
    const message = { type: envelope.type, payload: envelope.payload, meta: envelope as MessageMeta };
    const handler = this.definition.handlers?.[envelope.type];
    const handling = this.telemetry?.begin(envelope, this.actor.getSnapshot() as AnyMachineSnapshot);
    try {
      if (handler) handler(message, this.handlerView, this.io);
      else this.actor.send(message);
    } catch (error) {
      this.fail(error);
    }
    if (handling !== undefined) {
      this.telemetry?.end(
        handling,
        this.actor.getSnapshot() as AnyMachineSnapshot,
        this.failed ? this.failure : undefined,
        this.fieldsChanged,
      );
    }
    // Telemetry copies the names: the one array serves every message.
    this.fieldsChanged.length = 0;
    if (this.failed) return { ok: false, failed: this.failure };
    this.counters.processed += 1;
    return { ok: true };
  }

  /**
   * Whether the state changed since the last call. Cheap (identity checks): the persisted snapshot itself walks the
   * whole context, so a commit that will not save it (a replayable actor between snapshots) does not make it.
   */
  takeChanged(): boolean {
    const current = this.actor.getSnapshot() as AnyMachineSnapshot;
    const last = this.lastPersisted as AnyMachineSnapshot | undefined;
    const timers = capturePendingTimers(this.actor)
      .map((timer) => timer.id)
      .join();
    const timersChanged = timers !== this.lastTimers;
    this.lastPersisted = current;
    this.lastTimers = timers;
    if (this.changedInPlace) {
      this.changedInPlace = false;
      return true;
    }
    // XState makes a new snapshot for every transition, even one that only runs actions (a reply, a send);
    // `assign` makes a new context, so an unchanged context, value and status means nothing worth saving.
    return !(
      last !== undefined &&
      !timersChanged &&
      (current === last ||
        (current.context === last.context &&
          current.status === last.status &&
          sameValue(current.value, last.value) &&
          current.children === last.children))
    );
  }

  /** The state to persist, or undefined when nothing changed since the last call. */
  takeChangedState(): PersistedActorState | undefined {
    return this.takeChanged() ? this.persistedState() : undefined;
  }

  persistedState(): PersistedActorState {
    return {
      machine: this.actor.getPersistedSnapshot() as Snapshot<unknown>,
      timers: capturePendingTimers(this.actor),
    };
  }

  view(): ActorView {
    const snapshot = this.actor.getSnapshot() as AnyMachineSnapshot;
    return {
      id: this.id,
      kind: this.kind,
      status: snapshot.status,
      value: snapshot.value,
      context: snapshot.context,
      counters: { ...this.counters },
    };
  }

  stop(): void {
    this.actor.stop();
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.failure = error;
    this.onFailure?.(error);
  }
}
