import type { MessagePort } from 'node:worker_threads';
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { SerializedError } from '../../resilience/errors.ts';
import type { LogLevel } from '../../telemetry/logger.ts';
import type { ThreadMetrics } from '../../telemetry/metric-collection.ts';
import type { AckBoardSide } from '../ack-board.ts';
import type { ActorView, PersistedActorState } from '../actor-cell.ts';
import type { SnapshotInterval } from '../actor-start.ts';
import type { DeadLetter } from '../dead-letters.ts';
import type { Envelope } from '../envelope.ts';
import { type InspectionRecord, InspectionRecordSchema } from '../inspection.ts';
import type { OutgoingState, RouterStats } from '../router.ts';
import type { WorkerWriterSource } from '../snapshot-store.ts';
import type { InjectedFault } from './fault-injection.ts';

/**
 * An actor's state as saved between incarnations: the machine and its timers, and the endpoint's progress: what
 * it took from each peer (watermarks), its own key and link numbering, and what it had not yet handed over.
 * Restarting from it, the actor neither loses nor repeats a message.
 */
export interface StoredActorState extends PersistedActorState, EndpointProgress {
  endpointKey: string;
  /** Messages handled after the machine snapshot was taken, to replay on it (see ActorDefinition.replayable). */
  replay?: Envelope[];
}

export interface EndpointProgress {
  watermarks: Record<string, number>;
  outgoing: OutgoingState;
}

/** What the supervisor's side gives a worker to start its actor. */
export interface WorkerInit {
  actorId: string;
  source: { module: string; export: string };
  input?: unknown;
  restored?: StoredActorState;
  poison?: Array<{ peerKey: string; seq: number }>;
  window: number;
  /** Save the actor's state at every commit that changed it: posted to the snapshot store, or to `store`. */
  persist: boolean;
  /** A durable store the worker commits to itself, before its messages leave (see SnapshotStore.workerWriter). */
  store?: WorkerWriterSource;
  /** See ActorStart.snapshotEvery. */
  snapshotEvery?: SnapshotInterval;
  endpointKey: string;
  mainKey: string;
  mainPort: MessagePort;
  /** The worker's side of the acknowledgement board it shares with the main thread over `mainPort`. */
  mainAcks: AckBoardSide;
  /** [handling, link index, seq] of the envelope being handled; read by the supervisor's side after a death. */
  blame: SharedArrayBuffer;
  /** The progress board (see ProgressBoard). */
  board: SharedArrayBuffer;
  /** Report XState inspection events. */
  inspect: boolean;
}

export interface WorkerView extends ActorView {
  endpointKey: string;
  mailbox: RouterStats;
}

/** The control plane, called over comlink: lifecycle and inspection, plus the directory's link management. */
export interface WorkerControl {
  start(init: WorkerInit): Promise<void>;
  /** Saves and flushes everything, then stops the machine. The worker is terminated after. */
  stop(): Promise<void>;
  snapshot(): Promise<StoredActorState>;
  inspect(): Promise<WorkerView>;
  ping(): Promise<number>;
  /** The worker's metrics as they stand (for the admin endpoint's /metrics). */
  collectMetrics(): Promise<ThreadMetrics>;
  setLogLevel(level: LogLevel): Promise<void>;
  /** Makes the worker fail on purpose (chaos and fault tests). */
  injectFault(fault: InjectedFault): Promise<void>;
  /**
   * `peerDurable`: the peer saves what it takes in a durable store (see Link.takeUnsaved); `acks`, this side of
   * the acknowledgement board shared with the peer (see AckBoard).
   */
  attachLink(
    name: string,
    port: MessagePort,
    peerKey: string,
    actorIds: string[],
    peerDurable: boolean,
    acks: AckBoardSide,
  ): void;
  routeVia(actorId: string, linkName: string): void;
  routeFailed(actorId: string, reason: string): void;
  available(actorId: string): void;
  peerDown(name: string): void;
  peerGone(name: string, reason: string): void;
}

/** What a worker reports on its events port, fire and forget. */
export type WorkerEvent =
  | { t: 'heartbeat' }
  | { t: 'resolve'; to: string }
  | { t: 'state'; state: StoredActorState }
  | { t: 'progress'; progress: EndpointProgress }
  | {
      t: 'failure';
      error: SerializedError;
      poison?: { peerKey: string; seq: number };
      /** The span of the message whose handling failed. */
      traceparent?: string;
      tracestate?: string;
    }
  | { t: 'done'; output: unknown }
  | { t: 'link'; index: number; name: string; peerKey: string }
  | { t: 'dead-letters'; letters: DeadLetter[] }
  | { t: 'inspection'; records: InspectionRecord[] };

const SerializedErrorSchema = Type.Object({
  name: Type.String(),
  message: Type.String(),
  stack: Type.Optional(Type.String()),
  code: Type.Optional(Type.String()),
});

const DeadLetterSchema = Type.Object({
  id: Type.String(),
  from: Type.String(),
  to: Type.String(),
  type: Type.String(),
  correlationId: Type.String(),
  reason: Type.String(),
  at: Type.Number(),
});

const ProgressSchema = Type.Object({
  watermarks: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
  outgoing: Type.Object({
    links: Type.Record(
      Type.String(),
      Type.Object({ nextSeq: Type.Integer({ minimum: 1 }), pending: Type.Array(Type.Unknown()) }),
    ),
    unresolved: Type.Record(Type.String(), Type.Array(Type.Unknown())),
  }),
});

const WorkerEventSchema = Type.Union([
  Type.Object({ t: Type.Literal('heartbeat') }),
  Type.Object({ t: Type.Literal('resolve'), to: Type.String({ minLength: 1 }) }),
  Type.Object({
    t: Type.Literal('state'),
    state: Type.Object({
      machine: Type.Unknown(),
      timers: Type.Array(
        Type.Object({
          id: Type.String(),
          event: Type.Unknown(),
          delay: Type.Number(),
          startedAt: Type.Number(),
        }),
      ),
      endpointKey: Type.String({ minLength: 1 }),
      ...ProgressSchema.properties,
    }),
  }),
  Type.Object({ t: Type.Literal('progress'), progress: ProgressSchema }),
  Type.Object({
    t: Type.Literal('failure'),
    error: SerializedErrorSchema,
    poison: Type.Optional(Type.Object({ peerKey: Type.String(), seq: Type.Integer({ minimum: 1 }) })),
    traceparent: Type.Optional(Type.String()),
    tracestate: Type.Optional(Type.String()),
  }),
  Type.Object({ t: Type.Literal('done'), output: Type.Unknown() }),
  Type.Object({
    t: Type.Literal('link'),
    index: Type.Integer({ minimum: 1 }),
    name: Type.String({ minLength: 1 }),
    peerKey: Type.String({ minLength: 1 }),
  }),
  Type.Object({ t: Type.Literal('dead-letters'), letters: Type.Array(DeadLetterSchema) }),
  Type.Object({ t: Type.Literal('inspection'), records: Type.Array(InspectionRecordSchema) }),
]);

const workerEventCheck = TypeCompiler.Compile(WorkerEventSchema);

export function isWorkerEvent(value: unknown): value is WorkerEvent {
  return workerEventCheck.Check(value);
}

/** What is wrong with an event that is not a WorkerEvent, and where. */
export function explainWorkerEvent(value: unknown): string {
  const kind = (value as { t?: unknown } | null)?.t;
  const first = workerEventCheck.Errors(value).First();
  return `event ${JSON.stringify(kind)}: ${first ? `${first.path || '/'} ${first.message}` : 'not an object'}`;
}
