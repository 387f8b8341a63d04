/**
 * Children are data, as in OTP's `supervisor`: a supervisor is given specs and one small engine interprets them.
 * The engine never looks inside `start`: a ChildFactory turns a spec into a running child.
 */
export type RestartType = 'permanent' | 'transient' | 'temporary';

/** Milliseconds to wait for a graceful stop before killing, `brutal_kill` to kill at once, `infinity` to wait. */
export type Shutdown = number | 'brutal_kill' | 'infinity';

export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one' | 'simple_one_for_one';

export interface BackoffOptions {
  /** Delay before the first restart after a quiet period, ms. */
  minMs: number;
  /** Cap on the delay, ms. */
  maxMs: number;
  /** Random extra delay as a fraction of the computed delay, 0..1. */
  jitter: number;
  /** After this long without a failure, the next delay starts again from `minMs`. */
  resetAfterMs: number;
}

export interface SupervisorFlags {
  strategy: Strategy;
  /** At most this many restarts within `periodMs`; one more shuts the supervisor down and escalates. Default 1. */
  intensity?: number;
  /** The sliding window for `intensity`, ms. Default 5000. */
  periodMs?: number;
  /** Delay between restarts. Default: none, restart at once (OTP). */
  backoff?: BackoffOptions;
}

interface BaseChildSpec {
  id: string;
  restart?: RestartType;
  shutdown?: Shutdown;
}

/** A child the factory starts (an actor in a worker or inline). `start` is whatever the factory understands. */
export interface WorkerChildSpec<TStart = unknown> extends BaseChildSpec {
  type?: 'worker';
  start: TStart;
}

export interface SupervisorChildSpec extends BaseChildSpec {
  type: 'supervisor';
  supervisor: SupervisorSpec;
}

export type ChildSpec<TStart = unknown> = WorkerChildSpec<TStart> | SupervisorChildSpec;

export interface SupervisorSpec<TStart = unknown> {
  id: string;
  flags: SupervisorFlags;
  /** Started in this order, stopped in reverse. For `simple_one_for_one`: exactly one template, started by startChild. */
  children: ChildSpec<TStart>[];
}
