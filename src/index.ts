/**
 * Foxtrot's actor runtime: define actors (a protocol, an XState machine, the effects given to it) and run them in
 * worker threads or inline, under supervisors with Erlang/OTP semantics. Nothing here knows about trading.
 */
export { type Static, type TSchema, Type } from '@sinclair/typebox';
export type { ChildFactory, ChildHandle } from '../supervisors/child-handle.ts';
export type {
  BackoffOptions,
  ChildSpec,
  RestartType,
  Shutdown,
  Strategy,
  SupervisorChildSpec,
  SupervisorFlags,
  SupervisorSpec,
  WorkerChildSpec,
} from '../supervisors/child-spec.ts';
export { describeExit, type ExitReason, type FailureKind, isAbnormal } from '../supervisors/exit-reason.ts';
export {
  type ChildInfo,
  Supervisor,
  type SupervisorEvent,
  validateSupervisorSpec,
} from '../supervisors/index.ts';
export * from './resilience/errors.ts';
export type { ActorView, PersistedActorState } from './runtime/actor-cell.ts';
export {
  type ActorDefinition,
  type ActorIO,
  type AskOptions,
  defineActor,
  type FastHandler,
  type FastHandlerActor,
  type ProtocolEvent,
} from './runtime/actor-definition.ts';
export type { ActorRef } from './runtime/actor-ref.ts';
export { type ActorSource, siblingModule } from './runtime/actor-source.ts';
export type { ActorStart, Placement } from './runtime/actor-start.ts';
export type { DeadLetter } from './runtime/dead-letters.ts';
export type { Envelope, EnvelopeOptions, MessageMeta } from './runtime/envelope.ts';
export type { InspectionRecord } from './runtime/inspection.ts';
export { perActor } from './runtime/per-actor.ts';
export {
  defineProtocol,
  type MessageType,
  type PayloadOf,
  type Protocol,
  type ReplyOf,
} from './runtime/protocol.ts';
export { type ActorClock, SimulatedClock } from './runtime/simulated-clock.ts';
export { InMemorySnapshotStore, type SnapshotStore } from './runtime/snapshot-store.ts';
export { type ActorChildSpec, ActorSystem, type ActorSystemOptions } from './runtime/system.ts';
export { INJECTED_FAULTS, type InjectedFault } from './runtime/worker/fault-injection.ts';
export type { StoredActorState, WorkerView } from './runtime/worker/protocol.ts';
