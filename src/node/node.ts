import type { IncomingMessage, ServerResponse } from 'node:http';
import { executionProtocol } from '../../actors/execution/protocol.ts';
import { riskProtocol, STORE_CHECK } from '../../actors/risk/protocol.ts';
import type { Order } from '../domain/order.ts';
import { ActorSystem, type InjectedFault, type WorkerView } from '../index.ts';
import { LmdbSnapshotStore } from '../persistence/lmdb-snapshot-store.ts';
import type { FoxtrotStore } from '../persistence/store.ts';
import { withTimeout } from '../runtime/timeout.ts';
import type { Logger } from '../telemetry/logger.ts';
import { createPrometheusEndpoint, type PrometheusEndpoint } from '../telemetry/prometheus-endpoint.ts';
import type { AdminBackend } from './admin-server.ts';
import { ChaosMonkey } from './chaos.ts';
import type { NodeConfig } from './config.ts';
import { checkInvariants } from './invariants.ts';
import { type NodeStatus, StatusSampler } from './status.ts';
import { actorIds, NODE_IDS, nodeTree } from './tree.ts';
import { describeTree, flatten } from './tree-view.ts';

type TradingState = 'ACTIVE' | 'REDUCING' | 'HALTED';

const INSPECT_MS = 1000;

/** How long a clean stop waits for the venue to confirm the cancels of open orders. */
const CANCEL_WAIT_MS = 2000;

/** A running node: the supervision tree of design.md on a config, with what the CLI and admin endpoint ask of it. */
export class FoxtrotNode implements AdminBackend {
  readonly actorIds: string[];
  private readonly sampler: StatusSampler;
  private stopping: Promise<void> | undefined;
  private chaos: ChaosMonkey | undefined;
  private readonly prometheus: PrometheusEndpoint;

  private constructor(
    readonly system: ActorSystem,
    readonly config: NodeConfig,
    readonly log: Logger,
    readonly startedAt: number,
  ) {
    this.actorIds = actorIds(config);
    const quoteOf = new Map(config.venue.instruments.map((spec) => [spec.id, spec.quoteCurrency]));
    this.sampler = new StatusSampler(system, startedAt, (id) => quoteOf.get(id));
    this.prometheus = createPrometheusEndpoint(config.telemetry.serviceName, () => system.collectMetrics());
  }

  /** GET /metrics: every thread's metrics, in the Prometheus text format. */
  serveMetrics(request: IncomingMessage, response: ServerResponse): void {
    this.prometheus.handle(request, response);
  }

  async setLogLevel(actor: string, level: string): Promise<void> {
    if (!this.actorIds.includes(actor)) {
      throw new Error(`no actor '${actor}' in this node (actors: ${this.actorIds.join(', ')})`);
    }
    await this.system.setLogLevel(actor, level);
  }

  /**
   * Starts the tree on a store (opened by the caller, who closes it after stop): every actor resumes from the
   * state it saved there, and risk halts trading until the venue is reconciled with what execution recovered.
   */
  /** `storeCheck`: trading waits for storeChecked() (see nodeTree). */
  static async start(
    config: NodeConfig,
    log: Logger,
    store: FoxtrotStore,
    storeCheck = false,
  ): Promise<FoxtrotNode> {
    const startedAt = Date.now();
    const system = await ActorSystem.start(nodeTree(config, `boot-${store.incarnation}`, storeCheck), {
      log,
      heartbeatTimeoutMs: 3000,
      snapshots: new LmdbSnapshotStore(store),
    });
    return new FoxtrotNode(system, config, log, startedAt);
  }

  /** Chaos on or off while running (`--chaos` starts with it on). */
  setChaos(enabled: boolean): void {
    if (enabled && this.chaos === undefined && this.stopping === undefined) {
      this.chaos = new ChaosMonkey(
        this.system,
        this.config,
        this.actorIds,
        this.log.child({ component: 'chaos' }),
      );
      this.chaos.start();
    } else if (!enabled) {
      this.chaos?.stop();
    }
  }

  get chaosRecords() {
    return this.chaos?.records ?? [];
  }

  async injectFault(actor: string, fault: InjectedFault): Promise<void> {
    if (!this.actorIds.includes(actor)) {
      throw new Error(`no actor '${actor}' in this node (actors: ${this.actorIds.join(', ')})`);
    }
    await this.system.injectFault(actor, fault);
  }

  status(): Promise<NodeStatus> {
    return this.sampler.sample();
  }

  async health(): Promise<{ ready: boolean; detail: unknown }> {
    const nodes = flatten(describeTree(this.system.root));
    const notRunning = nodes
      .filter((node) => node.status !== 'running')
      .map((node) => `${node.id}: ${node.status}`);
    return { ready: notRunning.length === 0 && this.stopping === undefined, detail: { notRunning } };
  }

  /** The supervision tree, each actor with its state value, mailbox and restarts. */
  async actors(): Promise<unknown> {
    const views = new Map<string, unknown>();
    await Promise.all(
      this.actorIds.map(async (id) => {
        try {
          // A worker that just died never answers its control port: do not wait for it.
          const view = (await withTimeout(this.system.inspect(id), INSPECT_MS, undefined)) as
            | WorkerView
            | undefined;
          views.set(
            id,
            view === undefined
              ? { unavailable: `no answer within ${INSPECT_MS} ms` }
              : { state: view.value, status: view.status, mailbox: view.mailbox, counters: view.counters },
          );
        } catch (error) {
          views.set(id, { unavailable: (error as Error).message });
        }
      }),
    );
    const attach = (nodes: ReturnType<typeof describeTree>): unknown[] =>
      nodes.map((node) => ({
        ...node,
        ...(node.children ? { children: attach(node.children) } : { actor: views.get(node.id) }),
      }));
    return { tree: attach(describeTree(this.system.root)), deadLetters: this.system.deadLetters.count };
  }

  invariants() {
    return checkInvariants(this.system, this.config.venue.name);
  }

  /** The store's whole check passed: trading no longer waits for it. */
  storeChecked(): void {
    this.system.ref(NODE_IDS.risk, riskProtocol).tell('storeChecked', {});
  }

  /** The store's whole check failed: trading halts with the reason, and keeps waiting for a check that passes. */
  async storeCheckFailed(reason: string): Promise<void> {
    this.system.ref(NODE_IDS.risk, riskProtocol).tell('venueUnreconciled', {
      venue: STORE_CHECK,
      reason: 'its check failed',
    });
    await this.setTradingState('HALTED', reason);
  }

  async setTradingState(state: string, reason: string, untilRestart = false): Promise<void> {
    this.system.ref(NODE_IDS.risk, riskProtocol).tell('setTradingState', {
      state: state as TradingState,
      reason,
      ...(untilRestart ? { untilRestart } : {}),
    });
    // Answered after the change: risk handles its messages in order.
    await this.system.ref(NODE_IDS.risk, riskProtocol).ask('status', {});
  }

  /**
   * A clean stop: no new orders (trading HALTED), open orders cancelled or kept as configured, then the tree
   * stopped in reverse start order, each actor flushing its state.
   */
  stop(why: string): Promise<void> {
    this.stopping ??= this.stopInOrder(why);
    return this.stopping;
  }

  private async stopInOrder(why: string): Promise<void> {
    this.log.info({ why }, 'node stopping');
    this.chaos?.stop();
    try {
      await this.setTradingState('HALTED', `node stopping: ${why}`, true);
      if (this.config.node.onShutdown === 'cancel') await this.cancelOpenOrders();
    } catch (error) {
      this.log.warn({ err: error }, 'could not halt trading and cancel orders before stopping');
    }
    await this.system.stop(Math.max(500, Math.floor(this.config.node.shutdownTimeoutMs / 4)));
    await this.prometheus.shutdown();
  }

  private async cancelOpenOrders(): Promise<void> {
    const execution = this.system.ref(NODE_IDS.execution, executionProtocol);
    const risk = this.system.ref(NODE_IDS.risk, riskProtocol);
    const open = (await execution.ask('openOrders', {})) as Order[];
    // Cancels pass a HALTED risk engine: that is what HALTED is for.
    for (const order of open) risk.tell('cancel', { clientOrderId: order.clientOrderId });
    const deadline = Date.now() + CANCEL_WAIT_MS;
    while (Date.now() < deadline) {
      const stats = await execution.ask('stats', {});
      if (stats.open === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.log.warn('open orders left at the venue after the cancel wait');
  }
}
