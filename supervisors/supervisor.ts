import {
  ChildNotFoundError,
  ChildRestartingError,
  ChildStartError,
  EscalationError,
  FoxtrotError,
  serializeError,
  ValidationError,
} from '../src/resilience/errors.ts';
import { Backoff } from './backoff.ts';
import type { ChildFactory, ChildHandle } from './child-handle.ts';
import type { ChildSpec, Shutdown, SupervisorSpec, WorkerChildSpec } from './child-spec.ts';
import type { ChildCounts, ChildInfo, ChildStatus, SupervisorEvent } from './events.ts';
import { describeExit, type ExitReason, isAbnormal } from './exit-reason.ts';
import { recordRestart } from './intensity.ts';
import { planRestart } from './strategies.ts';
import { type NormalizedSupervisorSpec, validateChildSpec, validateSupervisorSpec } from './validate.ts';

export interface SupervisorDeps<TStart = unknown> {
  factory: ChildFactory<TStart>;
  now?: () => number;
  random?: () => number;
  onEvent?: (event: SupervisorEvent) => void;
}

interface Child {
  spec: ChildSpec;
  handle: ChildHandle;
  status: ChildStatus;
  /** Stopped on purpose by terminateChild: no strategy brings it back, only restartChild. */
  terminated: boolean;
  restarts: number;
  lastFailure?: string;
}

type State = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * An Erlang/OTP supervisor. Children are data (child specs); this engine starts them in order, watches their
 * exits, restarts them by the restart strategy and each child's restart type, counts restarts against the
 * intensity (a sliding window), and when that is exceeded stops every child and escalates to its own parent.
 * It handles one thing at a time, like the gen_server it imitates: exits arriving during a restart wait.
 * A Supervisor is itself a ChildHandle, so supervision trees nest.
 */
export class Supervisor<TStart = unknown> implements ChildHandle {
  onExit: ((reason: ExitReason) => void) | undefined;
  readonly id: string;
  private readonly spec: NormalizedSupervisorSpec<TStart>;
  private readonly deps: SupervisorDeps<TStart>;
  private readonly now: () => number;
  private readonly backoff: Backoff;
  private children: Child[] = [];
  private history: number[] = [];
  private state: State = 'idle';
  private queue: Promise<unknown> = Promise.resolve();
  private wake: (() => void) | undefined;
  private terminated!: Promise<ExitReason>;
  private settleTerminated!: (reason: ExitReason) => void;

  constructor(spec: SupervisorSpec<TStart>, deps: SupervisorDeps<TStart>) {
    this.spec = validateSupervisorSpec<TStart>(spec);
    this.id = this.spec.id;
    this.deps = deps;
    this.now = deps.now ?? Date.now;
    this.backoff = new Backoff(this.spec.flags.backoff, deps.random ?? Math.random);
    this.resetTerminated();
  }

  /** Resolves when this supervisor stops: `shutdown` after stop(), a failure when it escalated. */
  whenTerminated(): Promise<ExitReason> {
    return this.terminated;
  }

  start(): Promise<void> {
    return this.serialize(() => this.startAll());
  }

  async stop(shutdown: Shutdown = 'infinity'): Promise<void> {
    if (this.state === 'idle' || this.state === 'stopped') return;
    this.state = 'stopping';
    this.wake?.();
    await this.serialize(async () => {
      if (this.state === 'stopped') return;
      await this.stopAll(shutdown);
      this.finish({ type: 'shutdown' });
    });
  }

  release(): void {
    for (const child of this.children) child.handle.release();
  }

  whichChildren(): ChildInfo[] {
    return this.children.map((child) => ({
      id: child.spec.id,
      type: child.spec.type === 'supervisor' ? 'supervisor' : 'worker',
      restart: child.spec.restart ?? 'permanent',
      status: child.status,
      restarts: child.restarts,
      ...(child.lastFailure === undefined ? {} : { lastFailure: child.lastFailure }),
    }));
  }

  countChildren(): ChildCounts {
    const supervisors = this.children.filter((child) => child.spec.type === 'supervisor').length;
    return {
      specs: this.children.length,
      active: this.children.filter((child) => child.status === 'running').length,
      supervisors,
      workers: this.children.length - supervisors,
    };
  }

  child(id: string): ChildHandle | undefined {
    return this.children.find((child) => child.spec.id === id)?.handle;
  }

  /**
   * Adds and starts a child. For simple_one_for_one, `specOrId` is the new child's id and `args` its extra start
   * arguments for the template; otherwise it is a full child spec, appended after the existing children.
   */
  startChild(specOrId: ChildSpec<TStart> | string, args?: unknown): Promise<void> {
    return this.serialize(async () => {
      this.requireRunning('startChild');
      const spec = this.dynamicSpec(specOrId);
      if (this.children.some((child) => child.spec.id === spec.id)) {
        throw new ValidationError(`supervisor '${this.id}': a child '${spec.id}' already exists`, {
          child: spec.id,
        });
      }
      const child = this.makeChild(spec, args);
      try {
        await child.handle.start();
      } catch (error) {
        child.handle.release();
        throw error instanceof ChildStartError ? error : new ChildStartError(spec.id, error);
      }
      child.status = 'running';
      this.children.push(child);
      this.emit({ type: 'child-started', child: spec.id });
    });
  }

  async terminateChild(id: string): Promise<void> {
    this.settledChild(id);
    return this.serialize(async () => {
      const child = this.settledChild(id);
      if (child.status === 'running') await this.stopChild(child);
      child.terminated = true;
      child.handle.release();
      if (this.spec.flags.strategy === 'simple_one_for_one') this.remove(child);
    });
  }

  async restartChild(id: string): Promise<void> {
    this.settledChild(id);
    return this.serialize(async () => {
      const child = this.settledChild(id);
      if (child.status === 'running') {
        throw new FoxtrotError('CHILD_RUNNING', `supervisor '${this.id}': child '${id}' is already running`, {
          severity: 'warning',
          context: { supervisor: this.id, child: id },
        });
      }
      try {
        await child.handle.start();
      } catch (error) {
        throw error instanceof ChildStartError ? error : new ChildStartError(id, error);
      }
      child.status = 'running';
      child.terminated = false;
      this.emit({ type: 'child-started', child: id });
    });
  }

  async deleteChild(id: string): Promise<void> {
    this.settledChild(id);
    return this.serialize(async () => {
      const child = this.settledChild(id);
      if (child.status === 'running') {
        throw new FoxtrotError(
          'CHILD_RUNNING',
          `supervisor '${this.id}': child '${id}' must be stopped to be deleted`,
          {
            severity: 'warning',
            context: { supervisor: this.id, child: id },
          },
        );
      }
      child.handle.release();
      this.remove(child);
    });
  }

  private async startAll(): Promise<void> {
    if (this.state === 'running') return;
    if (this.state === 'stopped') this.resetTerminated();
    this.state = 'starting';
    this.history = [];
    const previous = new Map(this.children.map((child) => [child.spec.id, child]));
    const templates = this.spec.flags.strategy === 'simple_one_for_one' ? [] : this.spec.children;
    for (const child of previous.values()) {
      if (!templates.some((spec) => spec.id === child.spec.id)) child.handle.release();
    }
    this.children = templates.map((spec) => {
      const reused = previous.get(spec.id);
      if (reused === undefined) return this.makeChild(spec);
      return { ...reused, status: 'stopped' as const, terminated: false, restarts: 0 };
    });
    for (const child of this.children) child.handle.onExit = (reason) => this.onChildExit(child, reason);
    for (const [index, child] of this.children.entries()) {
      try {
        await child.handle.start();
      } catch (error) {
        for (const started of this.children.slice(0, index).reverse()) await this.stopChild(started);
        for (const each of this.children) each.handle.release();
        this.state = 'stopped';
        throw error instanceof ChildStartError ? error : new ChildStartError(child.spec.id, error);
      }
      child.status = 'running';
      this.emit({ type: 'child-started', child: child.spec.id });
    }
    this.state = 'running';
  }

  private onChildExit(child: Child, reason: ExitReason): void {
    void this.serialize(() => this.handleExit(child, reason)).catch((error: unknown) => {
      this.escalateNow(error);
    });
  }

  private async handleExit(child: Child, reason: ExitReason): Promise<void> {
    if (this.state !== 'running' || !this.children.includes(child) || child.status !== 'running') return;
    const abnormal = isAbnormal(reason);
    this.emit({ type: abnormal ? 'child-failed' : 'child-exited', child: child.spec.id, reason });
    child.status = 'stopped';
    if (abnormal) child.lastFailure = describeExit(reason);
    const restart = child.spec.restart ?? 'permanent';
    if (restart === 'permanent' || (restart === 'transient' && abnormal)) {
      await this.restartAfter(child, reason);
      return;
    }
    child.handle.release();
    if (restart === 'temporary' || this.spec.flags.strategy === 'simple_one_for_one') this.remove(child);
  }

  /** Restarts what the failure of `failed` affects; a restart that fails to start counts as another failure. */
  private async restartAfter(failed: Child, reason: ExitReason): Promise<void> {
    let lastReason = reason;
    let pending: Child[] | undefined;
    for (;;) {
      if (this.state !== 'running') return;
      const counted = recordRestart(this.history, this.now(), this.spec.flags);
      this.history = counted.history;
      if (counted.exceeded) {
        await this.escalate(lastReason);
        return;
      }
      const toStart = pending ?? (await this.applyStrategy(failed));
      for (const child of toStart) child.status = 'restarting';
      const delayMs = this.backoff.next(this.now());
      for (const child of toStart) this.emit({ type: 'child-restarting', child: child.spec.id, delayMs });
      if (delayMs > 0) await this.sleep(delayMs);
      if (this.state !== 'running') return;
      pending = undefined;
      for (const [index, child] of toStart.entries()) {
        try {
          await child.handle.start();
        } catch (error) {
          lastReason = { type: 'failure', kind: 'start-failed', error: serializeError(error) };
          child.lastFailure = describeExit(lastReason);
          this.emit({ type: 'child-failed', child: child.spec.id, reason: lastReason });
          pending = toStart.slice(index);
          break;
        }
        child.status = 'running';
        child.restarts += 1;
        this.emit({ type: 'child-restarted', child: child.spec.id, restarts: child.restarts });
      }
      if (pending === undefined) return;
    }
  }

  private async applyStrategy(failed: Child): Promise<Child[]> {
    const plan = planRestart(
      this.spec.flags.strategy,
      this.children.map((child) => ({
        id: child.spec.id,
        restart: child.spec.restart ?? 'permanent',
        running: child.status === 'running',
        terminated: child.terminated,
      })),
      failed.spec.id,
    );
    for (const id of plan.stop) await this.stopChild(this.byId(id));
    for (const id of plan.remove) {
      const child = this.byId(id);
      child.handle.release();
      this.remove(child);
    }
    return plan.start.map((id) => this.byId(id));
  }

  private async escalate(reason: ExitReason): Promise<void> {
    const { intensity, periodMs } = this.spec.flags;
    const error = new EscalationError(this.id, intensity, periodMs, describeExit(reason));
    const exit: ExitReason = { type: 'failure', kind: 'escalated', error: serializeError(error) };
    this.emit({ type: 'escalated', reason: exit });
    this.state = 'stopping';
    await this.stopAll('infinity');
    this.finish(exit);
    this.onExit?.(exit);
  }

  /** A bug in the engine itself must not leave children orphaned: stop everything and report it. */
  private escalateNow(error: unknown): void {
    const exit: ExitReason = { type: 'failure', kind: 'escalated', error: serializeError(error) };
    this.state = 'stopping';
    void this.stopAll('brutal_kill').then(() => {
      this.finish(exit);
      this.onExit?.(exit);
    });
  }

  /** Stops running children in reverse start order, bounded by `shutdown` overall, and releases all of them. */
  private async stopAll(shutdown: Shutdown): Promise<void> {
    const running = this.children.filter((child) => child.status === 'running').reverse();
    let deadline: number | undefined;
    if (typeof shutdown === 'number') deadline = this.now() + shutdown;
    for (const child of running) {
      const expired = shutdown === 'brutal_kill' || (deadline !== undefined && this.now() >= deadline);
      await this.stopChild(child, expired ? 'brutal_kill' : undefined);
    }
    for (const child of this.children) {
      if (child.status === 'restarting') child.status = 'stopped';
      child.handle.release();
    }
  }

  private async stopChild(child: Child, override?: Shutdown): Promise<void> {
    if (child.status !== 'running') return;
    await child.handle.stop(override ?? child.spec.shutdown ?? 'infinity');
    child.status = 'stopped';
    this.emit({ type: 'child-stopped', child: child.spec.id });
  }

  private finish(reason: ExitReason): void {
    this.state = 'stopped';
    this.emit({ type: 'supervisor-stopped', reason });
    this.settleTerminated(reason);
  }

  private makeChild(spec: ChildSpec, args?: unknown): Child {
    const handle =
      spec.type === 'supervisor'
        ? new Supervisor(spec.supervisor as SupervisorSpec<TStart>, this.deps)
        : this.deps.factory.create(spec as WorkerChildSpec<TStart>, args);
    const child: Child = { spec, handle, status: 'stopped', terminated: false, restarts: 0 };
    handle.onExit = (reason) => this.onChildExit(child, reason);
    return child;
  }

  private dynamicSpec(specOrId: ChildSpec<TStart> | string): ChildSpec {
    const where = `supervisor '${this.id}': startChild`;
    if (this.spec.flags.strategy === 'simple_one_for_one') {
      if (typeof specOrId !== 'string' || specOrId.length === 0) {
        throw new ValidationError(
          `${where}: simple_one_for_one takes the new child's id and its start arguments`,
        );
      }
      return { ...(this.spec.children[0] as ChildSpec), id: specOrId };
    }
    if (typeof specOrId === 'string')
      throw new ValidationError(`${where}: expected a child spec, got '${specOrId}'`);
    return validateChildSpec(where, specOrId);
  }

  private settledChild(id: string): Child {
    const child = this.children.find((candidate) => candidate.spec.id === id);
    if (child === undefined) throw new ChildNotFoundError(this.id, id);
    if (child.status === 'restarting') throw new ChildRestartingError(this.id, id);
    return child;
  }

  private byId(id: string): Child {
    const child = this.children.find((candidate) => candidate.spec.id === id);
    if (child === undefined) throw new ChildNotFoundError(this.id, id);
    return child;
  }

  private remove(child: Child): void {
    this.children = this.children.filter((candidate) => candidate !== child);
    this.emit({ type: 'child-removed', child: child.spec.id });
  }

  private requireRunning(operation: string): void {
    if (this.state !== 'running') {
      throw new FoxtrotError(
        'SUPERVISOR_NOT_RUNNING',
        `supervisor '${this.id}' cannot ${operation}: it is ${this.state}`,
      );
    }
  }

  /** Waits for `ms`, or less if stop() wakes it. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      this.wake = undefined;
    });
  }

  private serialize<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.queue.then(operation, operation);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private resetTerminated(): void {
    this.terminated = new Promise((resolve) => {
      this.settleTerminated = resolve;
    });
  }

  private emit(
    event: SupervisorEvent extends infer E
      ? E extends unknown
        ? Omit<E, 'supervisor' | 'at'>
        : never
      : never,
  ): void {
    this.deps.onEvent?.({ ...event, supervisor: this.id, at: this.now() } as SupervisorEvent);
  }
}
