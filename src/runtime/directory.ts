import { MessageChannel } from 'node:worker_threads';
import { type Remote, transfer } from 'comlink';
import { ValidationError } from '../resilience/errors.ts';
import type { Logger } from '../telemetry/logger.ts';
import { AckBoard } from './ack-board.ts';
import type { Placement } from './actor-start.ts';
import type { Router } from './router.ts';
import type { WorkerControl } from './worker/protocol.ts';

export const MAIN_ID = '$main';

// Control calls to a worker that has just died never settle; one that fails has nothing left to tell.
const ignore = (): void => undefined;

interface WorkerHost {
  key: string;
  /** The worker commits what it takes to a durable store (see Link.takeUnsaved). */
  durable: boolean;
  control: Remote<WorkerControl>;
}

interface Entry {
  id: string;
  placement: Placement;
  state: 'down' | 'up' | 'gone';
  goneReason?: string;
  host?: WorkerHost;
  /** Worker actors holding a direct link to this one: linked again when it comes back after a restart. */
  linked: Set<string>;
  /** Worker actors waiting for a route to this one while it is down. */
  waiting: Set<string>;
}

/**
 * Where every actor of the system is, kept on the supervisors' thread. It never carries data: it answers a
 * worker's request for a route by creating a MessageChannel and handing one end to each of the two workers, so
 * that envelopes then flow directly between them. When an actor goes down its peers hold what they send to it;
 * when it comes back they are linked to its new worker and send again; when it is gone for good they turn what
 * they hold into dead letters.
 */
export class Directory {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly mainRouter: Router,
    private readonly log: Logger,
  ) {}

  declare(id: string, placement: Placement): void {
    if (id === MAIN_ID || id.includes('#')) {
      throw new ValidationError(`actor id '${id}' is reserved or contains '#'`, { id });
    }
    const existing = this.entries.get(id);
    if (existing !== undefined && existing.state !== 'gone') {
      throw new ValidationError(`actor id '${id}' is already in use in this system`, { id });
    }
    this.entries.set(id, {
      id,
      placement,
      state: 'down',
      linked: existing?.linked ?? new Set(),
      waiting: new Set(),
    });
    // Endpoints that sent to this id before it existed were told there is no such actor, and remember it: an
    // actor started after its peers (a strategy, after the portfolio that reports to it) must be reachable.
    if (existing === undefined) this.broadcastAvailable(id);
  }

  placementOf(id: string): Placement | undefined {
    return this.entries.get(id)?.placement;
  }

  upWorker(id: string, host: WorkerHost): void {
    const entry = this.require(id);
    const wasGone = entry.goneReason !== undefined;
    entry.state = 'up';
    entry.host = host;
    delete entry.goneReason;
    for (const peer of [...entry.linked, ...entry.waiting]) {
      const peerEntry = this.entries.get(peer);
      if (peerEntry?.state === 'up' && peerEntry.host) this.link(peerEntry, entry);
    }
    entry.waiting.clear();
    if (wasGone) this.broadcastAvailable(id);
  }

  upInline(id: string): void {
    const entry = this.require(id);
    const wasGone = entry.goneReason !== undefined;
    entry.state = 'up';
    delete entry.goneReason;
    if (wasGone) this.broadcastAvailable(id);
  }

  /** The actor stopped or failed and is expected back: its peers hold what they send to it. */
  down(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.state !== 'up') return;
    entry.state = 'down';
    delete entry.host;
    if (entry.placement !== 'worker') return;
    this.mainRouter.peerDown(id);
    for (const peer of entry.linked) this.hostOf(peer)?.control.peerDown(id).catch(ignore);
  }

  /** The actor will not come back (until started again): what its peers hold for it becomes dead letters. */
  gone(id: string, reason: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.state === 'gone') return;
    entry.state = 'gone';
    entry.goneReason = reason;
    delete entry.host;
    if (entry.placement === 'worker') {
      this.mainRouter.peerGone(id, reason);
      this.mainRouter.routeFailed(id, reason);
      for (const peer of entry.linked) {
        this.hostOf(peer)?.control.peerGone(id, reason).catch(ignore);
        this.entries.get(peer)?.linked.delete(id);
      }
      entry.linked.clear();
    }
    for (const waiter of entry.waiting) this.hostOf(waiter)?.control.routeFailed(id, reason).catch(ignore);
    entry.waiting.clear();
  }

  /** The main thread's router asks for a route. Workers are reached by the link made when they start. */
  resolveForMain(to: string): void {
    const entry = this.entries.get(to);
    if (entry === undefined || entry.state === 'gone') {
      this.mainRouter.routeFailed(to, entry?.goneReason ?? `no actor '${to}'`);
    }
  }

  /** A worker asks for a route to `to`. */
  resolveForWorker(from: string, to: string): void {
    const asker = this.entries.get(from);
    const host = asker?.host;
    if (asker === undefined || host === undefined) return;
    if (to === MAIN_ID) {
      host.control.routeVia(to, MAIN_ID).catch(ignore);
      return;
    }
    const target = this.entries.get(to);
    if (target === undefined || target.state === 'gone') {
      host.control.routeFailed(to, target?.goneReason ?? `no actor '${to}'`).catch(ignore);
      return;
    }
    if (target.placement === 'inline') {
      host.control.routeVia(to, MAIN_ID).catch(ignore);
      return;
    }
    if (target.state === 'up' && target.host) this.link(asker, target);
    else target.waiting.add(from);
  }

  private link(a: Entry, b: Entry): void {
    if (a.host === undefined || b.host === undefined) return;
    const { port1, port2 } = new MessageChannel();
    const [acksA, acksB] = AckBoard.pair();
    a.linked.add(b.id);
    b.linked.add(a.id);
    const onError = (error: unknown) =>
      this.log.debug({ err: error, a: a.id, b: b.id }, 'link attach failed');
    b.host.control
      .attachLink(a.id, transfer(port2, [port2]), a.host.key, [a.id], a.host.durable, acksB)
      .catch(onError);
    a.host.control
      .attachLink(b.id, transfer(port1, [port1]), b.host.key, [b.id], b.host.durable, acksA)
      .catch(onError);
  }

  private hostOf(id: string): WorkerHost | undefined {
    const entry = this.entries.get(id);
    return entry?.state === 'up' ? entry.host : undefined;
  }

  private broadcastAvailable(id: string): void {
    this.mainRouter.available(id);
    for (const entry of this.entries.values()) {
      if (entry.state === 'up' && entry.host) entry.host.control.available(id).catch(ignore);
    }
  }

  private require(id: string): Entry {
    const entry = this.entries.get(id);
    if (entry === undefined) throw new Error(`directory: actor '${id}' was never declared`);
    return entry;
  }
}
