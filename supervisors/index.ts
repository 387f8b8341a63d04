export { Backoff, backoffDelay } from './backoff.ts';
export type { ChildFactory, ChildHandle } from './child-handle.ts';
export type * from './child-spec.ts';
export type { ChildCounts, ChildInfo, ChildStatus, SupervisorEvent } from './events.ts';
export { describeExit, type ExitReason, type FailureKind, isAbnormal } from './exit-reason.ts';
export { recordRestart } from './intensity.ts';
export { planRestart } from './strategies.ts';
export { Supervisor, type SupervisorDeps } from './supervisor.ts';
export { validateSupervisorSpec } from './validate.ts';
