import type { Shutdown, WorkerChildSpec } from './child-spec.ts';
import type { ExitReason } from './exit-reason.ts';

/**
 * What a supervisor needs of a child, wherever the child runs. A worker actor, an inline actor and a nested
 * supervisor all implement it.
 */
export interface ChildHandle {
  /** Starts (or starts again) the child; resolves once it is ready for messages, rejects if it cannot start. */
  start(): Promise<void>;
  /**
   * Stops a started child: a graceful stop bounded by the shutdown timeout, then termination; `brutal_kill`
   * terminates at once. Resolves when the child is gone. An exit caused by stop() is never reported to onExit.
   */
  stop(shutdown: Shutdown): Promise<void>;
  /**
   * The supervisor does not mean to start this child again soon (temporary child, terminated, removed, or the
   * supervisor itself going away): messages held for it become dead letters until start() is called again.
   */
  release(): void;
  /** Set by the owning supervisor: called once for each exit of a started child that stop() did not cause. */
  onExit: ((reason: ExitReason) => void) | undefined;
}

/** Turns a worker child spec into a handle. `args` are the extra start arguments of a simple_one_for_one child. */
export interface ChildFactory<TStart = unknown> {
  create(spec: WorkerChildSpec<TStart>, args?: unknown): ChildHandle;
}
