import type { ExitReason } from './exit-reason.ts';

/** What a supervisor did, as data: for logs, traces and tests. The engine itself does no I/O. */
export type SupervisorEvent = { supervisor: string; at: number } & (
  | { type: 'child-started'; child: string }
  | { type: 'child-failed'; child: string; reason: ExitReason }
  | { type: 'child-exited'; child: string; reason: ExitReason }
  | { type: 'child-restarting'; child: string; delayMs: number }
  | { type: 'child-restarted'; child: string; restarts: number }
  | { type: 'child-stopped'; child: string }
  | { type: 'child-removed'; child: string }
  | { type: 'escalated'; reason: ExitReason }
  | { type: 'supervisor-stopped'; reason: ExitReason }
);

export type ChildStatus = 'running' | 'restarting' | 'stopped';

/** One line of `whichChildren`. */
export interface ChildInfo {
  id: string;
  type: 'worker' | 'supervisor';
  restart: 'permanent' | 'transient' | 'temporary';
  status: ChildStatus;
  restarts: number;
  lastFailure?: string;
}

export interface ChildCounts {
  specs: number;
  active: number;
  supervisors: number;
  workers: number;
}
