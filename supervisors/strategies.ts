import type { RestartType, Strategy } from './child-spec.ts';

export interface PlannedChild {
  id: string;
  restart: RestartType;
  /** Whether the child is running now (a stopped or restarting sibling is not stopped again). */
  running: boolean;
  /** Whether the child was stopped on purpose (terminateChild): a strategy does not bring it back. */
  terminated: boolean;
}

export interface RestartPlan {
  /** Siblings to stop, in the order to stop them (reverse start order). */
  stop: string[];
  /** Children to start again, in start order. */
  start: string[];
  /** Temporary siblings taken down by the failure: removed, never restarted. */
  remove: string[];
}

/**
 * Which children a failure affects, by strategy, as OTP decides it: one_for_one (and simple_one_for_one) only the
 * failed child; one_for_all every child; rest_for_one the failed child and those started after it.
 */
export function planRestart(
  strategy: Strategy,
  children: readonly PlannedChild[],
  failedId: string,
): RestartPlan {
  const failedAt = children.findIndex((child) => child.id === failedId);
  if (failedAt === -1) return { stop: [], start: [], remove: [] };
  let affected: readonly PlannedChild[];
  if (strategy === 'one_for_all') affected = children;
  else if (strategy === 'rest_for_one') affected = children.slice(failedAt);
  else affected = [children[failedAt] as PlannedChild];

  const siblings = affected.filter((child) => child.id !== failedId && !child.terminated);
  return {
    stop: siblings
      .filter((child) => child.running)
      .map((child) => child.id)
      .reverse(),
    start: affected
      .filter((child) => child.id === failedId || (!child.terminated && child.restart !== 'temporary'))
      .map((child) => child.id),
    remove: siblings.filter((child) => child.restart === 'temporary').map((child) => child.id),
  };
}
