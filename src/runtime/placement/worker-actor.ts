import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import { type Remote, transfer, wrap } from 'comlink';
import type { ChildHandle } from '../../../supervisors/child-handle.ts';
import type { Shutdown } from '../../../supervisors/child-spec.ts';
import type { ExitReason } from '../../../supervisors/exit-reason.ts';
import { ChildStartError } from '../../resilience/errors.ts';
import type { LogLevel } from '../../telemetry/logger.ts';
import type { ThreadMetrics } from '../../telemetry/metric-collection.ts';
import { AckBoard } from '../ack-board.ts';
import { type ResolvedSource, resolveSource, siblingModule } from '../actor-source.ts';
import type { ActorStart } from '../actor-start.ts';
import { incarnationId } from '../ids.ts';
import { ProgressBoard } from '../progress-board.ts';
import { withTimeout } from '../timeout.ts';
import { nodeEndpoint } from '../worker/comlink-endpoint.ts';
import type { InjectedFault } from '../worker/fault-injection.ts';
import {
  explainWorkerEvent,
  isWorkerEvent,
  type StoredActorState,
  type WorkerControl,
  type WorkerEvent,
  type WorkerInit,
  type WorkerView,
} from '../worker/protocol.ts';
import { spawnWorker } from '../worker/spawn.ts';
import type { PlacementContext } from './context.ts';
import { exitOfOutput, failure } from './exit-reasons.ts';

const hostEntry = siblingModule('../worker/host', import.meta.url);
const MAX_POISON = 64;

interface Spawned {
  worker: Worker;
  control: Remote<WorkerControl>;
  events: MessagePort;
  exited: Promise<number>;
  alive: boolean;
  lastBeat: number;
  lastError: unknown;
  blame: Int32Array;
  board: ProgressBoard;
  /** Name and peer incarnation of each link index in the worker (for the blame slot and the progress board). */
  links: Map<number, { name: string; peerKey: string }>;
}

type Phase = 'idle' | 'starting' | 'running' | 'stopping' | 'failing';

const DEFAULT_START_TIMEOUT_MS = 10_000;
/** How far the start timeout may grow after starts that ran out of it: a restore that slow is likely hung. */
const MAX_START_TIMEOUT_GROWTH = 16;

/**
 * An actor in a worker thread of its own, as a supervisor's child. It watches the worker for every kind of
 * failure (an uncaught error, an exit, its memory limit, missed heartbeats, its machine failing), and on restart
 * starts a new worker from the actor's saved state, optionally one kept ready in advance.
 */
export class WorkerActor implements ChildHandle {
  onExit: ((reason: ExitReason) => void) | undefined;
  private readonly source: ResolvedSource;
  private current: Spawned | undefined;
  private spare: Spawned | undefined;
  private phase: Phase = 'idle';
  private monitor: NodeJS.Timeout | undefined;
  private poison: Array<{ peerKey: string; seq: number }> = [];
  /**
   * Envelopes a worker was handling when it died of something that does not name its cause (an exit, its heap,
   * missed heartbeats): suspected, not yet refused. See blameEnvelope.
   */
  private suspects: Array<{ peerKey: string; seq: number }> = [];
  private pendingResolves: string[] = [];
  private failedWhileStarting: { reason: ExitReason; selfReported: boolean } | undefined;
  /** The state last saved, so that a watermarks-only update can be saved without reading the store back. */
  private lastState: StoredActorState | undefined;
  /**
   * The next start's time limit. A start that ran out of it doubles it, up to MAX_START_TIMEOUT_GROWTH times the
   * configured one, and a start that succeeds puts it back. A restore of a large state can take longer than the
   * limit: each restart would begin it again and time out again, and as each attempt takes the whole limit, the
   * supervisor's restart intensity would never trip either.
   */
  private startLimitMs: number | undefined;

  constructor(
    private readonly ctx: PlacementContext,
    readonly id: string,
    private readonly start_: ActorStart,
  ) {
    this.source = resolveSource(start_.actor);
    ctx.directory.declare(id, 'worker');
  }

  async start(): Promise<void> {
    if (this.phase !== 'idle') throw new Error(`actor '${this.id}' cannot start while ${this.phase}`);
    this.phase = 'starting';
    const spawned = this.spare?.alive ? this.spare : this.spawn();
    this.spare = undefined;
    this.current = spawned;
    const persist = this.start_.persist !== false;
    let endpointKey = `${this.id}@${incarnationId()}`;
    try {
      const restored = persist ? await this.ctx.snapshots.load(this.id) : undefined;
      this.lastState = restored;
      // Restored state continues the endpoint's numbering, so peers must keep knowing it by the same key.
      if (restored) endpointKey = restored.endpointKey;
      const { port1, port2 } = new MessageChannel();
      const [mainAcks, workerAcks] = AckBoard.pair();
      this.ctx.mainRouter.attachLink(this.id, port1, endpointKey, [this.id], false, mainAcks);
      const init: WorkerInit = {
        actorId: this.id,
        source: this.source,
        window: this.ctx.window,
        persist,
        endpointKey,
        mainKey: this.ctx.mainKey,
        mainPort: port2,
        mainAcks: workerAcks,
        blame: spawned.blame.buffer as SharedArrayBuffer,
        board: spawned.board.buffer,
        inspect: this.start_.inspect === true,
        ...(this.start_.input === undefined ? {} : { input: this.start_.input }),
        ...(restored ? { restored } : {}),
        ...(this.poison.length > 0 ? { poison: this.poison } : {}),
        ...(persist && this.ctx.snapshots.workerWriter ? { store: this.ctx.snapshots.workerWriter } : {}),
        ...(this.start_.snapshotEvery ? { snapshotEvery: this.start_.snapshotEvery } : {}),
      };
      const exitedEarly = spawned.exited.then((code) => {
        throw spawned.lastError ?? new Error(`worker exited with code ${code} while starting`);
      });
      const configuredMs = this.start_.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
      const limitMs = this.startLimitMs ?? configuredMs;
      const outcome = await withTimeout(
        Promise.race([spawned.control.start(transfer(init, [port2])), exitedEarly]).then(
          () => 'started' as const,
        ),
        limitMs,
        'timed-out' as const,
      );
      if (outcome === 'timed-out') {
        this.startLimitMs = Math.min(2 * limitMs, MAX_START_TIMEOUT_GROWTH * configuredMs);
        throw new Error(
          `did not start within ${limitMs} ms${restored ? ' (restoring its saved state)' : ''}; ` +
            `the next start may take ${this.startLimitMs} ms`,
        );
      }
    } catch (error) {
      await this.terminate(spawned);
      this.ctx.mainRouter.peerDown(this.id);
      this.current = undefined;
      this.phase = 'idle';
      // Cleared once the worker is gone: its exit, reported while terminating it, would otherwise be taken for an
      // early failure of the next start's worker and kill it.
      this.failedWhileStarting = undefined;
      throw new ChildStartError(this.id, error);
    }
    this.phase = 'running';
    this.startLimitMs = undefined;
    spawned.lastBeat = Date.now();
    this.ctx.directory.upWorker(this.id, {
      key: endpointKey,
      control: spawned.control,
      durable: persist && this.ctx.snapshots.workerWriter !== undefined,
    });
    for (const to of this.pendingResolves.splice(0)) this.ctx.directory.resolveForWorker(this.id, to);
    this.watchHeartbeats(spawned);
    if (this.start_.standby) this.spare = this.spawn();
    const early = this.failedWhileStarting;
    this.failedWhileStarting = undefined;
    if (early) queueMicrotask(() => this.fail(spawned, early.reason, early.selfReported));
  }

  async stop(shutdown: Shutdown): Promise<void> {
    const spawned = this.current;
    if (spawned === undefined || this.phase !== 'running') return;
    this.phase = 'stopping';
    this.unwatch();
    if (shutdown !== 'brutal_kill') {
      const graceful = Promise.race([spawned.control.stop(), spawned.exited]).catch(() => undefined);
      await withTimeout(graceful, shutdown === 'infinity' ? undefined : shutdown, undefined);
    }
    await this.terminate(spawned);
    this.saveFinalProgress(spawned);
    this.ctx.directory.down(this.id);
    this.current = undefined;
    this.phase = 'idle';
  }

  release(): void {
    // What was held for this actor is refused now, and new links number from 1: old poison would hit innocents.
    this.poison = [];
    this.suspects = [];
    if (this.spare) void this.terminate(this.spare);
    this.spare = undefined;
    this.ctx.directory.gone(this.id, `actor '${this.id}' was stopped by its supervisor`);
  }

  /**
   * A control-plane call to the running worker. A worker that dies (or is terminated as hung) never answers what
   * was pending on its control port: the call then fails with the worker's exit instead of waiting for ever.
   */
  private control<T>(call: (control: Spawned['control']) => Promise<T>): Promise<T> {
    const spawned = this.current;
    if (spawned === undefined || this.phase !== 'running') {
      return Promise.reject(new Error(`actor '${this.id}' is not running (${this.phase})`));
    }
    const gone = spawned.exited.then((code) => {
      throw new Error(`actor '${this.id}': its worker exited (code ${code}) before answering`);
    });
    return Promise.race([call(spawned.control), gone]);
  }

  inspect(): Promise<WorkerView> {
    return this.control((control) => control.inspect());
  }

  /** Milliseconds for a round trip over the control plane. */
  async ping(): Promise<number> {
    const started = performance.now();
    await this.control((control) => control.ping());
    return performance.now() - started;
  }

  /** Makes the actor's worker fail on purpose; the failure then goes through supervision like any other. */
  injectFault(fault: InjectedFault): Promise<void> {
    return this.control((control) => control.injectFault(fault));
  }

  snapshot(): Promise<StoredActorState> {
    return this.control((control) => control.snapshot());
  }

  /** The worker's metrics: undefined when it is not running (restarting, stopped), as a scrape then has none. */
  collectMetrics(): Promise<ThreadMetrics | undefined> {
    if (this.phase !== 'running') return Promise.resolve(undefined);
    return this.control((control) => control.collectMetrics()).catch(() => undefined);
  }

  setLogLevel(level: LogLevel): Promise<void> {
    return this.control((control) => control.setLogLevel(level));
  }

  private spawn(): Spawned {
    const { port1, port2 } = new MessageChannel();
    const worker = spawnWorker(hostEntry, {
      name: this.id,
      workerData: {
        eventsPort: port2,
        heartbeatMs: this.ctx.heartbeatMs,
        preload: this.source,
        actorId: this.id,
      },
      transferList: [port2],
      ...(this.start_.resourceLimits ? { resourceLimits: this.start_.resourceLimits } : {}),
    });
    const spawned: Spawned = {
      worker,
      control: wrap<WorkerControl>(nodeEndpoint(worker)),
      events: port1,
      exited: new Promise((resolve) => worker.once('exit', resolve)),
      alive: true,
      lastBeat: Date.now(),
      lastError: undefined,
      blame: new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT)),
      board: new ProgressBoard(),
      links: new Map(),
    };
    // The exit promise is awaited where it matters; a spare that dies unobserved must not be unhandled.
    spawned.exited.catch(() => undefined);
    port1.on('message', (message) => this.onEvent(spawned, message));
    worker.on('error', (error) => {
      spawned.lastError = error;
      const kind =
        (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? 'resource-limits'
          : 'uncaught-error';
      this.fail(spawned, failure(kind, error));
    });
    worker.on('exit', (code) => {
      spawned.alive = false;
      if (spawned === this.spare) this.spare = undefined;
      if (code === 0) this.fail(spawned, { type: 'normal' });
      else
        this.fail(
          spawned,
          failure('exited', spawned.lastError ?? new Error(`worker exited with code ${code}`)),
        );
    });
    return spawned;
  }

  private onEvent(spawned: Spawned, message: unknown): void {
    if (!isWorkerEvent(message)) {
      this.ctx.log.warn(
        { actor: this.id, problem: explainWorkerEvent(message) },
        'invalid event from actor worker ignored',
      );
      return;
    }
    this.handleEvent(spawned, message);
  }

  private handleEvent(spawned: Spawned, event: WorkerEvent): void {
    switch (event.t) {
      case 'heartbeat':
        spawned.lastBeat = Date.now();
        return;
      case 'state':
        this.saveState(event.state);
        return;
      case 'progress':
        if (this.lastState) this.saveState({ ...this.lastState, ...event.progress });
        return;
      case 'dead-letters':
        for (const letter of event.letters) this.ctx.deadLetters.record(letter);
        return;
      case 'inspection':
        for (const record of event.records) this.ctx.onInspection?.(record);
        return;
      case 'resolve':
        if (spawned !== this.current) return;
        if (this.phase === 'running') this.ctx.directory.resolveForWorker(this.id, event.to);
        else this.pendingResolves.push(event.to);
        return;
      case 'failure':
        if (event.poison) this.poison = [...this.poison, event.poison].slice(-MAX_POISON);
        this.fail(
          spawned,
          {
            type: 'failure',
            kind: 'machine-error',
            error: event.error,
            ...(event.traceparent ? { traceparent: event.traceparent } : {}),
          },
          true,
        );
        return;
      case 'link':
        spawned.links.set(event.index, { name: event.name, peerKey: event.peerKey });
        return;
      case 'done':
        // A finished machine starts afresh if it is started again, as an OTP child's init would.
        this.ctx.snapshots.delete(this.id);
        this.lastState = undefined;
        this.fail(spawned, exitOfOutput(event.output), true);
        return;
    }
  }

  /**
   * A worker that died while handling an envelope (exit, out of memory, endless loop) could not say which one:
   * the blame slot it shared does. Such a death does not prove the envelope guilty: a heap filled by something
   * else, or a GC stall that missed heartbeats, strikes whatever is being handled, and refusing an innocent fill
   * loses it for good (its sender saw it acknowledged as refused and never sends it again). So the envelope is
   * handed to the next incarnation once more, and refused only if it was being handled at the death of two
   * incarnations: a poison envelope still costs one restart more, never every restart.
   */
  private blameEnvelope(spawned: Spawned, reason: ExitReason): void {
    if (reason.type !== 'failure' || reason.kind === 'machine-error' || spawned.blame[0] !== 1) return;
    const peerKey = spawned.links.get(spawned.blame[1] ?? 0)?.peerKey;
    const seq = spawned.blame[2] ?? 0;
    if (peerKey === undefined || seq <= 0) return;
    const blamed = { peerKey, seq };
    const again = this.suspects.some((suspect) => suspect.peerKey === peerKey && suspect.seq === seq);
    if (again) this.poison = [...this.poison, blamed].slice(-MAX_POISON);
    else this.suspects = [...this.suspects, blamed].slice(-MAX_POISON);
  }

  /**
   * Completes the state the worker last saved with the progress it wrote on the board since (link numbering and
   * watermarks of commits that changed nothing else), once the worker can write no more.
   */
  private saveFinalProgress(spawned: Spawned): void {
    const last = this.lastState;
    // A worker that commits to a durable store itself saved its progress with each commit.
    if (last === undefined || this.ctx.snapshots.workerWriter) return;
    const watermarks = { ...last.watermarks };
    const links = { ...last.outgoing.links };
    for (const [index, { name, peerKey }] of spawned.links) {
      const progress = spawned.board.read(index);
      if (progress === undefined) continue;
      watermarks[peerKey] = progress.received;
      links[name] = { nextSeq: progress.nextSeq, pending: links[name]?.pending ?? [] };
    }
    this.saveState({ ...last, watermarks, outgoing: { ...last.outgoing, links } });
  }

  private saveState(state: StoredActorState): void {
    this.lastState = state;
    this.ctx.snapshots.save(this.id, state);
  }

  /** The running worker stopped being useful: make sure it is gone, then report the exit once. */
  /**
   * The running worker stopped being useful: make sure it is gone, then report the exit once. A worker that
   * reported its own end (its machine failed or finished) has already halted all its traffic, so the restart
   * need not wait for the thread to be torn down; any other must be gone first.
   */
  private fail(spawned: Spawned, reason: ExitReason, selfReported = false): void {
    if (spawned !== this.current) return;
    if (this.phase === 'starting') {
      // Messages held for the actor reach it as soon as its links attach, possibly before its start is
      // acknowledged here: a failure then is reported once the start completes, never dropped.
      this.failedWhileStarting ??= { reason, selfReported };
      return;
    }
    if (this.phase !== 'running') return;
    this.phase = 'failing';
    this.unwatch();
    this.ctx.log.warn({ actor: this.id, reason }, 'actor exited');
    const exited = () => {
      this.saveFinalProgress(spawned);
      this.blameEnvelope(spawned, reason);
      this.ctx.directory.down(this.id);
      this.current = undefined;
      this.phase = 'idle';
      this.onExit?.(reason);
    };
    const gone = this.terminate(spawned);
    if (selfReported) exited();
    else void gone.then(exited);
  }

  private async terminate(spawned: Spawned): Promise<void> {
    this.drainEvents(spawned);
    if (spawned.alive) await spawned.worker.terminate();
    this.drainEvents(spawned);
    spawned.events.close();
  }

  /** Takes what the worker reported before it died (its last saved state above all) before acting on its death. */
  private drainEvents(spawned: Spawned): void {
    for (
      let entry = receiveMessageOnPort(spawned.events);
      entry;
      entry = receiveMessageOnPort(spawned.events)
    ) {
      if (isWorkerEvent(entry.message) && entry.message.t !== 'failure' && entry.message.t !== 'done') {
        this.handleEvent(spawned, entry.message);
      } else if (isWorkerEvent(entry.message) && entry.message.t === 'failure' && entry.message.poison) {
        this.poison = [...this.poison, entry.message.poison].slice(-MAX_POISON);
      }
    }
  }

  private watchHeartbeats(spawned: Spawned): void {
    let lastCheck = Date.now();
    this.monitor = setInterval(() => {
      const now = Date.now();
      const ownLag = now - lastCheck - this.ctx.heartbeatMs;
      lastCheck = now;
      // This thread was blocked itself (a long GC, a busy inline actor): the worker's heartbeats may be waiting
      // in the port, unread. Judge at the next check, once they have been read.
      if (ownLag > this.ctx.heartbeatMs) return;
      const silentFor = now - spawned.lastBeat;
      if (silentFor <= this.ctx.heartbeatTimeoutMs) return;
      this.fail(
        spawned,
        failure('heartbeat', new Error(`no heartbeat for ${silentFor} ms (event loop blocked)`)),
      );
    }, this.ctx.heartbeatMs);
    this.monitor.unref();
  }

  private unwatch(): void {
    if (this.monitor) clearInterval(this.monitor);
    this.monitor = undefined;
  }
}
