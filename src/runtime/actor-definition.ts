import type { Meter } from '@opentelemetry/api';
import type { AnyStateMachine, ContextFrom, EventFromLogic, SnapshotFrom } from 'xstate';
import { ValidationError } from '../resilience/errors.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { EnvelopeOptions, MessageMeta } from './envelope.ts';
import type { MessageType, PayloadOf, Protocol } from './protocol.ts';

export interface AskOptions extends EnvelopeOptions {
  timeoutMs?: number;
}

/**
 * The effects the runtime gives an actor's machine, the same in every placement: a machine never sends, logs or
 * reads the clock by itself, it calls these from the actions and actors its definition provides.
 */
export interface ActorIO {
  readonly self: string;
  /**
   * Sends. Returns false when the receiver's window was full: the message is still delivered (held until there is
   * room, while this actor takes no new input), but a producer should wait for `writable()` before sending more.
   */
  tell(to: string, type: string, payload: unknown, options?: EnvelopeOptions): boolean;
  ask<TReply = unknown>(to: string, type: string, payload: unknown, options?: AskOptions): Promise<TReply>;
  /** Answers the ask that `request` came with. A message that was not an ask has no one to answer: ignored. */
  reply(request: MessageMeta, payload: unknown): void;
  /**
   * How many more tells to `to` would be sent at once (fewer than `limit` unacknowledged, never beyond the window)
   * rather than held, which would pause this actor's input.
   */
  room(to: string, limit?: number): number;
  /** Resolves once a receiver has acknowledged something, so a producer that got `false` from tell may retry. */
  writable(): Promise<void>;
  now(): number;
  /**
   * Appends a record to a journal stream. It is committed with the actor's state at the end of the turn, before
   * anything the actor sent in that turn leaves (where the store is durable): a peer never acts on what is not yet
   * journaled. Without a store that keeps journals, entries are dropped.
   */
  journal(stream: string, type: string, data: unknown): void;
  readonly log: Logger;
  /** Where an actor makes its own metrics (OpenTelemetry); they reach /metrics and OTLP with the runtime's. */
  readonly meter: Meter;
}

/** The event a machine receives for a protocol message. */
export type ProtocolEvent<P extends Protocol> = {
  [K in MessageType<P>]: { type: K; payload: PayloadOf<P, K>; meta: MessageMeta };
}[MessageType<P>];

export type MachineImplementations<TMachine extends AnyStateMachine> = Parameters<TMachine['provide']>[0];

/** What a fast handler sees of its actor. */
export interface FastHandlerActor<TMachine extends AnyStateMachine> {
  readonly snapshot: SnapshotFrom<TMachine>;
  send(event: EventFromLogic<TMachine>): void;
  /**
   * Says that the handler changed the context in place (naming the top-level fields it changed, for traces): the
   * turn's commit saves the state, and a replayable actor journals the message to replay it. A handler that changes
   * the context must call it; one that only reads must not.
   */
  changed(...fields: string[]): void;
  /**
   * Writes the fields a pure function computed for the next context into the live one and says so, naming those
   * that were replaced: for logic that returns the context's next fields rather than changing them in place.
   */
  update(fields: Partial<ContextFrom<TMachine>>): void;
}

/**
 * A handler for a high-rate message type that runs without a machine transition (which costs several
 * microseconds and kilobytes of garbage each): it reads the current state to decide what to do, may change the
 * context in place through the same pure functions the machine's actions use (then calls `changed`), and sends
 * the machine an event only when the actor's mode should change.
 */
export type FastHandler<TMachine extends AnyStateMachine> = (
  message: { type: string; payload: unknown; meta: MessageMeta },
  actor: FastHandlerActor<TMachine>,
  io: ActorIO,
) => void;

export interface ActorDefinition<
  TMachine extends AnyStateMachine = AnyStateMachine,
  TProtocol extends Protocol = Protocol,
> {
  /** What kind of actor this is (`risk`, `counter`); instances have their own ids. */
  readonly kind: string;
  readonly protocol: TProtocol;
  readonly machine: TMachine;
  readonly effects?: (io: ActorIO) => MachineImplementations<TMachine>;
  readonly handlers?: Partial<Record<MessageType<TProtocol>, FastHandler<TMachine>>>;
  /**
   * The event a machine is sent when it resumes from saved state, made from the input it is started with now:
   * input given to a restored actor (a node restarted with a new config, a new boot) reaches it only this way,
   * since a restored machine does not run its context factory again.
   */
  readonly restored?: (input: unknown) => EventFromLogic<TMachine>;
  /**
   * The machine's state is a function of its last snapshot and the messages it handled since: it reads time from
   * messages (not the clock), asks nothing, and no timer of its changes its context. Such an actor may be
   * snapshotted every so many messages (ActorStart.snapshotEvery): the messages between snapshots are journaled,
   * and recovery replays them with its effects muted (what they sent was sent, or is kept to be sent again).
   */
  readonly replayable?: boolean;
}

export function defineActor<TMachine extends AnyStateMachine, TProtocol extends Protocol>(
  definition: ActorDefinition<TMachine, TProtocol>,
): ActorDefinition<TMachine, TProtocol> {
  if (typeof definition.kind !== 'string' || definition.kind.length === 0) {
    throw new ValidationError('actor definition: kind must be a non-empty string');
  }
  for (const type of Object.keys(definition.handlers ?? {})) {
    if (!definition.protocol.accepts(type)) {
      throw new ValidationError(
        `actor definition '${definition.kind}': handler for '${type}', which its protocol does not define`,
      );
    }
  }
  return Object.freeze(definition);
}

export function isActorDefinition(value: unknown): value is ActorDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<ActorDefinition>;
  return (
    typeof candidate.kind === 'string' &&
    typeof candidate.protocol?.check === 'function' &&
    !!candidate.machine
  );
}
