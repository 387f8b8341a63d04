import type { ChildHandle } from '../../../supervisors/child-handle.ts';
import type { ExitReason } from '../../../supervisors/exit-reason.ts';
import { ChildStartError } from '../../resilience/errors.ts';
import { ActorTelemetry } from '../../telemetry/actor-telemetry.ts';
import { actorLogger, type LogLevel, setActorLogLevel } from '../../telemetry/logger.ts';
import { threadTelemetry } from '../../telemetry/thread-telemetry.ts';
import { carrierOf } from '../../telemetry/trace-context.ts';
import { ActorCell, type ActorView, type PersistedActorState } from '../actor-cell.ts';
import type { ActorDefinition } from '../actor-definition.ts';
import { createActorIO } from '../actor-io.ts';
import { loadDefinition, type ResolvedSource, resolveSource } from '../actor-source.ts';
import type { ActorStart } from '../actor-start.ts';
import { toCloneable } from '../cloneable.ts';
import type { Envelope } from '../envelope.ts';
import type { LocalTarget } from '../router.ts';
import type { JournalEntry } from '../snapshot-store.ts';
import type { InjectedFault } from '../worker/fault-injection.ts';
import type { StoredActorState } from '../worker/protocol.ts';
import type { PlacementContext } from './context.ts';
import { exitOfOutput, failure } from './exit-reasons.ts';

/**
 * An actor placed in the supervisors' own thread (tests, backtests): the same definition and the same effects as
 * in a worker, messages delivered through the same router. While it restarts, its mailbox holds what arrives
 * (up to the window); once it is released, what arrives is refused as a dead letter.
 */
export class InlineActor implements ChildHandle, LocalTarget {
  onExit: ((reason: ExitReason) => void) | undefined;
  private readonly source: ResolvedSource;
  private definition: ActorDefinition | undefined;
  private cell: ActorCell | undefined;
  private held: Envelope[] = [];
  private journal: JournalEntry[] = [];
  private goneReason: string | undefined;
  private stopCommitHook: (() => void) | undefined;

  constructor(
    private readonly ctx: PlacementContext,
    readonly id: string,
    private readonly start_: ActorStart,
    definition?: ActorDefinition,
  ) {
    this.source = resolveSource(start_.actor);
    this.definition = definition;
    ctx.directory.declare(id, 'inline');
    ctx.mainRouter.addLocal(id, this);
  }

  accept(envelope: Envelope): void {
    const cell = this.cell;
    if (cell?.isRunning) {
      const result = cell.deliver(envelope);
      if (result.ok) {
        // No sender holds a copy for an inline actor (its mailbox dies with it): save after every message.
        this.persist();
        return;
      }
      if ('rejected' in result) this.ctx.mainRouter.reject(envelope, result.rejected);
      else this.ctx.mainRouter.reject(envelope, 'its handling crashed the receiver');
      return;
    }
    if (this.goneReason !== undefined) {
      this.ctx.mainRouter.reject(envelope, this.goneReason);
      return;
    }
    if (this.held.length >= this.ctx.window) {
      this.ctx.mainRouter.reject(envelope, `mailbox of '${this.id}' is full while it restarts`);
      return;
    }
    this.held.push(envelope);
  }

  async start(): Promise<void> {
    const persist = this.start_.persist !== false;
    try {
      this.definition ??= await loadDefinition(this.source);
      const restored = persist ? await this.ctx.snapshots.load(this.id) : undefined;
      const definition = this.definition;
      const thread = threadTelemetry();
      const telemetry = new ActorTelemetry(thread, this.id, definition.kind, () => this.held.length);
      const clock = this.ctx.clock;
      const now = clock ? () => clock.now() : undefined;
      const io = createActorIO(
        this.ctx.mainRouter,
        this.id,
        actorLogger(this.id, definition.kind),
        (entry) => this.journal.push(entry),
        {
          telemetry,
          meter: thread.meter,
          ...(now ? { now } : {}),
        },
      );
      const cell = new ActorCell(definition, {
        id: this.id,
        io,
        telemetry,
        ...(clock && now ? { clock, now } : {}),
        ...(this.start_.input === undefined ? {} : { input: this.start_.input }),
        // Actors change their context in place: the saved copy must outlive this incarnation unchanged.
        ...(restored ? { restored: structuredClone(restored) } : {}),
        ...(this.start_.inspect && this.ctx.onInspection ? { onInspection: this.ctx.onInspection } : {}),
      });
      cell.onChange = () => this.ctx.mainRouter.scheduleCommit();
      cell.onFailure = (error) =>
        queueMicrotask(() => {
          const failedSpan = telemetry.failedSpan;
          const traceparent = failedSpan ? carrierOf(failedSpan).traceparent : undefined;
          this.exited(cell, failure('machine-error', error, traceparent));
        });
      cell.onDone = (output) =>
        queueMicrotask(() => {
          // A finished machine starts afresh if it is started again, as an OTP child's init would.
          this.ctx.snapshots.delete(this.id);
          this.exited(cell, exitOfOutput(output));
        });
      this.cell = cell;
    } catch (error) {
      throw new ChildStartError(this.id, error);
    }
    this.goneReason = undefined;
    if (persist) this.stopCommitHook ??= this.ctx.mainRouter.onCommit(() => this.persist());
    this.ctx.directory.upInline(this.id);
    const held = this.held;
    this.held = [];
    for (const envelope of held) this.accept(envelope);
  }

  async stop(): Promise<void> {
    const cell = this.cell;
    if (cell === undefined) return;
    this.persist();
    this.cell = undefined;
    cell.stop();
    this.ctx.directory.down(this.id);
  }

  release(): void {
    this.goneReason = `actor '${this.id}' was stopped by its supervisor`;
    this.stopCommitHook?.();
    this.stopCommitHook = undefined;
    const held = this.held;
    this.held = [];
    for (const envelope of held) this.ctx.mainRouter.reject(envelope, this.goneReason);
    this.ctx.directory.gone(this.id, this.goneReason);
  }

  inspect(): ActorView & { mailbox: { held: number } } {
    if (this.cell === undefined) throw new Error(`actor '${this.id}' is not running`);
    const view = this.cell.view();
    return { ...view, context: toCloneable(view.context), mailbox: { held: this.held.length } };
  }

  /** An inline actor's metrics are its thread's, collected with the main thread's. */
  async collectMetrics(): Promise<undefined> {
    return undefined;
  }

  async setLogLevel(level: LogLevel): Promise<void> {
    if (!setActorLogLevel(this.id, level)) throw new Error(`actor '${this.id}' is not running`);
  }

  async ping(): Promise<number> {
    if (this.cell === undefined) throw new Error(`actor '${this.id}' is not running`);
    return 0;
  }

  async injectFault(_fault: InjectedFault): Promise<void> {
    throw new Error(
      `actor '${this.id}' runs inline: only an actor in its own worker can be made to fail alone`,
    );
  }

  async snapshot(): Promise<StoredActorState> {
    if (this.cell === undefined) throw new Error(`actor '${this.id}' is not running`);
    return this.stored(this.cell.persistedState());
  }

  private stored(state: PersistedActorState): StoredActorState {
    // Inline actors share the main thread's endpoint: they have no progress of their own to save. The copy keeps
    // what is saved apart from the live context, which actors may update in place.
    return structuredClone({
      ...state,
      endpointKey: this.id,
      watermarks: {},
      outgoing: { links: {}, unresolved: {} },
    });
  }

  private persist(): void {
    if (this.start_.persist === false || !this.cell?.isRunning) {
      this.journal = [];
      return;
    }
    const state = this.cell.takeChangedState();
    if (state === undefined && this.journal.length === 0) return;
    const journal = this.journal;
    this.journal = [];
    this.ctx.snapshots.save(this.id, state === undefined ? undefined : this.stored(state), journal);
  }

  private exited(cell: ActorCell, reason: ExitReason): void {
    if (this.cell !== cell) return;
    this.cell = undefined;
    this.ctx.directory.down(this.id);
    this.onExit?.(reason);
  }
}
