import type { ChildSpec, Shutdown, SupervisorSpec } from '../../supervisors/child-spec.ts';
import { describeExit, type ExitReason } from '../../supervisors/exit-reason.ts';
import { Supervisor, type SupervisorEvent, validateSupervisorSpec } from '../../supervisors/index.ts';
import { ActorTelemetry } from '../telemetry/actor-telemetry.ts';
import { isLogLevel, type Logger, rootLogger } from '../telemetry/logger.ts';
import type { ThreadMetrics } from '../telemetry/metric-collection.ts';
import { supervisionTelemetry } from '../telemetry/supervision-telemetry.ts';
import { initThreadTelemetry, threadTelemetry } from '../telemetry/thread-telemetry.ts';
import { ActorFactory, validateActorStarts } from './actor-factory.ts';
import { type ActorRef, createActorRef } from './actor-ref.ts';
import type { ActorStart } from './actor-start.ts';
import { DeadLetterOffice } from './dead-letters.ts';
import { Directory, MAIN_ID } from './directory.ts';
import { incarnationId } from './ids.ts';
import type { InspectionRecord } from './inspection.ts';
import type { Protocol } from './protocol.ts';
import { Router, type RouterStats } from './router.ts';
import type { ActorClock } from './simulated-clock.ts';
import { InMemorySnapshotStore, type SnapshotStore } from './snapshot-store.ts';
import type { InjectedFault } from './worker/fault-injection.ts';
import type { StoredActorState } from './worker/protocol.ts';

export interface ActorSystemOptions {
  /** Where actors' state is kept for restarts. Default: in memory. */
  snapshots?: SnapshotStore;
  /** Envelopes in flight per link, and held per actor while it restarts. Default 4096. */
  window?: number;
  /** How often workers send heartbeats. Default 1000 ms. */
  heartbeatMs?: number;
  /** A worker silent this long is hung, and fails. Default 5000 ms. */
  heartbeatTimeoutMs?: number;
  /** Default ask timeout. Default 5000 ms. */
  askTimeoutMs?: number;
  log?: Logger;
  /** Every supervisor event (failures, restarts, escalations), for telemetry. */
  onEvent?: (event: SupervisorEvent) => void;
  /**
   * The clock of the main thread's endpoint: it stamps the envelopes of refs and inline actors (a script or a
   * backtest runs inline on a simulated clock). Workers always use real time.
   */
  now?: () => number;
  /** XState inspection events of the actors started with `inspect: true`, from every thread. */
  onInspection?: (record: InspectionRecord) => void;
  /**
   * The time and timers of the actors placed inline, and the stamp of what this thread sends (a backtest's
   * SimulatedClock). It replaces `now`. Actors in workers keep real time.
   */
  clock?: ActorClock;
}

export type ActorChildSpec = ChildSpec<ActorStart>;

/**
 * A running tree of actors under a root supervisor: the entry point for host applications. It owns the main
 * thread's endpoint (for refs and inline actors), the directory, the snapshot store and the dead letters.
 */
export class ActorSystem {
  readonly root: Supervisor;
  readonly deadLetters: DeadLetterOffice;
  readonly log: Logger;
  private readonly router: Router;
  private readonly factory: ActorFactory;
  private readonly askTimeoutMs: number;
  /** What refs send from this thread joins the trace of whatever is being handled here, or starts one. */
  private readonly mainTelemetry = new ActorTelemetry(threadTelemetry(), MAIN_ID, 'main');
  private stopping: Promise<void> | undefined;
  private readonly terminated: Promise<ExitReason>;

  private constructor(spec: SupervisorSpec<ActorStart>, options: ActorSystemOptions) {
    this.log = options.log ?? rootLogger().child({ system: spec.id });
    this.deadLetters = new DeadLetterOffice(this.log);
    this.askTimeoutMs = options.askTimeoutMs ?? 5000;
    const window = options.window ?? 4096;
    let directory: Directory | undefined;
    const clock = options.clock;
    const clockNow = clock ? () => clock.now() : undefined;
    this.router = new Router({
      endpointKey: `${MAIN_ID}@${incarnationId()}`,
      window,
      log: this.log,
      deadLetters: this.deadLetters,
      resolve: (to) => directory?.resolveForMain(to),
      ...(clockNow ? { now: clockNow } : options.now ? { now: options.now } : {}),
    });
    directory = new Directory(this.router, this.log);
    // The main thread answers nothing: only replies to its asks and refusals of its tells are for it.
    this.router.addLocal(MAIN_ID, {
      accept: (envelope) =>
        this.router.reject(envelope, 'the main thread is not an actor: it takes only replies'),
    });
    this.factory = new ActorFactory({
      mainRouter: this.router,
      mainKey: this.router.endpointKey,
      directory,
      snapshots: options.snapshots ?? new InMemorySnapshotStore(),
      deadLetters: this.deadLetters,
      log: this.log,
      window,
      heartbeatMs: options.heartbeatMs ?? 1000,
      heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 5000,
      ...(options.onInspection ? { onInspection: options.onInspection } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const supervision = supervisionTelemetry(threadTelemetry());
    this.root = new Supervisor(spec, {
      factory: this.factory,
      onEvent: (event) => {
        this.logEvent(event);
        supervision(event);
        options.onEvent?.(event);
      },
    });
    this.terminated = this.root.whenTerminated();
    this.terminated.then((reason) => {
      if (reason.type === 'failure') {
        this.log.fatal({ reason }, `actor system stopping: ${describeExit(reason)}`);
      }
      this.router.close();
    });
  }

  /** Validates the whole spec tree, then starts it; a child failing to start stops the rest and rejects. */
  static async start(
    spec: SupervisorSpec<ActorStart>,
    options: ActorSystemOptions = {},
  ): Promise<ActorSystem> {
    const normalized = validateSupervisorSpec(spec) as SupervisorSpec<ActorStart>;
    validateActorStarts(normalized.children);
    await initThreadTelemetry();
    const system = new ActorSystem(normalized, options);
    try {
      await system.root.start();
    } catch (error) {
      system.router.close();
      throw error;
    }
    return system;
  }

  ref<P extends Protocol = Protocol>(id: string, protocol?: P): ActorRef<P> {
    return createActorRef(this.router, MAIN_ID, id, protocol, this.askTimeoutMs, (to, type, options) =>
      this.mainTelemetry.outgoing(to, type, options),
    );
  }

  /** Traffic through the main thread's endpoint (refs and inline actors); worker-to-worker traffic is not here. */
  stats(): RouterStats {
    return this.router.stats();
  }

  /** A serializable view of one actor: state value, context, mailbox and counters. */
  async inspect(id: string): Promise<unknown> {
    return this.child(id).inspect();
  }

  /** Round trip to an actor over the control plane, in ms (0 for an inline actor). */
  ping(id: string): Promise<number> {
    return this.child(id).ping();
  }

  /** Makes a worker actor fail on purpose (throw, exit, hang, run out of memory), for chaos runs and fault tests. */
  injectFault(id: string, fault: InjectedFault): Promise<void> {
    return this.child(id).injectFault(fault);
  }

  /** The actor's current state as it would be saved: machine snapshot, pending timers, endpoint progress. */
  snapshot(id: string): Promise<StoredActorState> {
    return this.child(id).snapshot();
  }

  /** The metrics of this thread and of every running actor worker, for /metrics (see ThreadsMetricProducer). */
  async collectMetrics(): Promise<ThreadMetrics[]> {
    const workers = await Promise.all(this.factory.all().map((child) => child.collectMetrics()));
    const main = await threadTelemetry().collectMetrics();
    return [main, ...workers.filter((metrics): metrics is ThreadMetrics => metrics !== undefined)];
  }

  /** Sets one actor's log level while it runs. */
  setLogLevel(id: string, level: string): Promise<void> {
    if (!isLogLevel(level)) return Promise.reject(new Error(`unknown log level '${level}'`));
    return this.child(id).setLogLevel(level);
  }

  private child(id: string) {
    const child = this.factory.get(id);
    if (child === undefined) throw new Error(`no actor '${id}' in this system`);
    return child;
  }

  /** Resolves when the root supervisor has stopped, with why: `shutdown` after stop(), a failure on escalation. */
  whenTerminated(): Promise<ExitReason> {
    return this.terminated;
  }

  stop(shutdown: Shutdown = 'infinity'): Promise<void> {
    if (this.stopping === undefined)
      this.stopping = this.root.stop(shutdown).finally(() => this.router.close());
    return this.stopping;
  }

  private logEvent(event: SupervisorEvent): void {
    if (event.type === 'child-failed' || event.type === 'escalated') this.log.warn({ event }, event.type);
    else this.log.debug({ event }, event.type);
  }
}
