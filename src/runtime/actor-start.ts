import type { ResourceLimits } from 'node:worker_threads';
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValidationError } from '../resilience/errors.ts';
import type { ActorSource } from './actor-source.ts';

export type Placement = 'worker' | 'inline';

/** The `start` of an actor child spec: what to run, and where. */
export interface ActorStart {
  actor: ActorSource;
  /** `worker` (default): its own worker thread. `inline`: in the supervisor's thread (tests, backtests). */
  placement?: Placement;
  /** The machine's input on a fresh start (ignored when restoring a snapshot). */
  input?: unknown;
  /** Memory limits of the worker; exceeding them is a failure of the child. */
  resourceLimits?: ResourceLimits;
  /** Save the actor's state at every commit that changes it, to resume from on restart. Default true. */
  persist?: boolean;
  /** Keep a spare worker with the actor's modules loaded, so a restart skips the worker's start-up. */
  standby?: boolean;
  /**
   * How long the actor may take to start. Default 10 s. After a start that ran out of it the next one gets twice
   * as long, up to 16 times this, until one succeeds: a restore of a large state does not time out for ever.
   */
  startTimeoutMs?: number;
  /** Forward every XState inspection event of this actor (made cloneable) to the system's onInspection. */
  inspect?: boolean;
  /**
   * For a replayable actor (see ActorDefinition.replayable) in a worker on a durable store: write its machine
   * snapshot after this many journaled messages or this long since the last, whichever comes first, and not before
   * it has worked ten times as long as the last snapshot took (a large state is snapshotted less often; see
   * SnapshotSchedule); between snapshots only the messages are written, and recovery replays them. Default: every
   * commit that changed it.
   */
  snapshotEvery?: SnapshotInterval;
}

export interface SnapshotInterval {
  messages: number;
  ms: number;
  /** Input records (one per commit that changed the actor) kept before the latest snapshot; older ones are compacted. Default 0. */
  keepMessages?: number;
}

const ActorStartSchema = Type.Object(
  {
    actor: Type.Object(
      {
        module: Type.String({ minLength: 1 }),
        export: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false },
    ),
    placement: Type.Optional(Type.Union([Type.Literal('worker'), Type.Literal('inline')])),
    input: Type.Optional(Type.Unknown()),
    resourceLimits: Type.Optional(
      Type.Object(
        {
          maxOldGenerationSizeMb: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
          maxYoungGenerationSizeMb: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
          codeRangeSizeMb: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
          stackSizeMb: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
        },
        { additionalProperties: false },
      ),
    ),
    persist: Type.Optional(Type.Boolean()),
    standby: Type.Optional(Type.Boolean()),
    startTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
    inspect: Type.Optional(Type.Boolean()),
    snapshotEvery: Type.Optional(
      Type.Object(
        {
          messages: Type.Integer({ minimum: 1 }),
          ms: Type.Integer({ minimum: 1 }),
          keepMessages: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const actorStartCheck = TypeCompiler.Compile(ActorStartSchema);

export function validateActorStart(childId: string, start: unknown): ActorStart {
  if (start !== null && typeof start === 'object') {
    const module = (start as { actor?: { module?: unknown } }).actor?.module;
    if (module instanceof URL) {
      const copy = {
        ...(start as ActorStart),
        actor: { ...(start as ActorStart).actor, module: module.href },
      };
      validateActorStart(childId, copy);
      return start as ActorStart;
    }
  }
  if (actorStartCheck.Check(start)) return start;
  const first = actorStartCheck.Errors(start).First();
  const where = first ? `start${first.path.replaceAll('/', '.')}` : 'start';
  throw new ValidationError(`child '${childId}': ${where}: ${first?.message ?? 'must be an object'}`, {
    child: childId,
    path: first?.path,
  });
}
