import type { MessagePort } from 'node:worker_threads';
import { DeadLetterError, MailboxFullError } from '../resilience/errors.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { AckBoardSide } from './ack-board.ts';
import { type DeadLetterSink, deadLetterOf } from './dead-letters.ts';
import { createEnvelope, type Envelope, type EnvelopeOptions, isEnvelope } from './envelope.ts';
import { Link, type OutgoingLinkState } from './link.ts';
import { PendingAsks } from './pending-asks.ts';
import type { ProgressBoard } from './progress-board.ts';
import { actorOf, REJECTED_TYPE, REPLY_TYPE, type RejectionPayload } from './wire.ts';

/**
 * How long a paused endpoint waits for any acknowledgement before it takes a batch anyway. Actors that send to
 * each other in a circle (risk -> execution -> portfolio -> risk) can each hold for the next and pause: no ack
 * would ever come. Taking one batch per interval keeps them moving, and memory grows by at most one batch each.
 */
const STALL_MS = 20;

/** Something in this thread that takes envelopes: an actor cell, or an inline actor's mailbox. */
export interface LocalTarget {
  accept(envelope: Envelope): void;
}

/** `held`: accepted, but beyond the receiver's window (see `send`); `full`: refused, nothing was sent. */
export type SendStatus = 'sent' | 'held' | 'full' | 'dead';

/** The outgoing side of an endpoint, saved with its actor's state: see Link.outgoingState. */
/** Envelopes `firstSeq`, `firstSeq + 1`, ... numbered on one link: a durable sender keeps them until acknowledged. */
export interface OutboxBatch {
  link: string;
  firstSeq: number;
  envelopes: Envelope[];
}

/** What a commit changes in a durable outbox: envelopes to keep, and per link the acknowledgement that frees them. */
export interface OutboxChanges {
  sent: OutboxBatch[];
  acknowledged: Record<string, number>;
}

export interface OutgoingState {
  links: Record<string, OutgoingLinkState>;
  unresolved: Record<string, Envelope[]>;
}

export interface RouterOptions {
  /** This endpoint's incarnation, e.g. `risk@4f2a…`: peers key their sequence numbers by it. */
  endpointKey: string;
  /** Most envelopes in flight to one peer endpoint, and most held for an actor not yet reachable. */
  window: number;
  deadLetters: DeadLetterSink;
  /** Asks the directory for a route to an actor; the answer comes through attachLink, routeVia or routeFailed. */
  resolve(actorId: string): void;
  log: Logger;
  /** Sequence numbers taken from each peer incarnation before a restart (from the snapshot). */
  watermarks?: Record<string, number>;
  /** Envelopes that killed an earlier incarnation of this endpoint: refused, not handled again. */
  poison?: ReadonlyArray<{ peerKey: string; seq: number }>;
  /**
   * Shared with the supervisor's thread: [handling, link index, seq] of the envelope being handled, so that the
   * envelope that killed the thread (exit, out of memory, endless loop) can be named after the thread is gone.
   */
  blame?: Int32Array;
  /** Told which peer incarnation a link index stands for, whenever a link is attached. */
  onLinkAttached?: (index: number, name: string, peerKey: string) => void;
  /** The outgoing side of this endpoint's previous incarnation, to continue from. */
  outgoing?: OutgoingState;
  /** Where each link's progress is written at every commit (see ProgressBoard). */
  board?: ProgressBoard;
  /** The clock that stamps envelopes made here: a backtest or a script gives a simulated one. */
  now?: () => number;
  /**
   * Nothing leaves before the commit hooks ran: a durable store commits the actor's state there, so no peer can
   * see what a crash would take back. Without it a producer posts mid-turn: each envelope at once to a peer that
   * keeps up (see PIPELINE_DEPTH), full batches to one that lags.
   */
  writeAhead?: boolean;
}

export interface RouterStats {
  sent: number;
  received: number;
  queuedLocal: number;
  inFlight: number;
  held: number;
  pendingAsks: number;
  /** Refusals of this endpoint's tells by their receivers (each one is a dead letter at the receiver). */
  rejectionsReceived: number;
}

/**
 * The data plane of one endpoint (a thread). Sends go to a local target, over the direct link to the endpoint
 * hosting the receiver, or, while the route is being resolved, into a bounded hold queue. Everything sent during
 * one event-loop turn leaves in one commit: local deliveries first, then the commit hooks (which persist state),
 * then one batch per link, then acknowledgements (without writeAhead, envelopes may leave before it: see
 * PIPELINE_DEPTH). A peer is acknowledged only for what is handled and saved.
 */
export class Router {
  readonly endpointKey: string;
  private readonly locals = new Map<string, LocalTarget>();
  private readonly links = new Map<string, Link>();
  private readonly routes = new Map<string, Link>();
  private readonly unresolved = new Map<string, Envelope[]>();
  private readonly deadRoutes = new Map<string, string>();
  private readonly asks = new PendingAsks();
  private readonly commitHooks: Array<() => void> = [];
  private readonly writableWaiters: Array<() => void> = [];
  private readonly watermarks: Record<string, number>;
  private readonly poison: Set<string>;
  private localQueue: Envelope[] = [];
  private commitScheduled = false;
  private ackScheduled = false;
  private linkCount = 0;
  /** Batches that arrived while this endpoint held sends beyond a window: taken in order once it has room. */
  private readonly paused: Array<{
    link: Link;
    firstSeq: number;
    envelopes: readonly unknown[];
    redeliveredUpTo: number;
  }> = [];
  private linkChanges = 0;
  private halted = false;
  private stallTimer: ReturnType<typeof setTimeout> | undefined;
  private ackedWhilePaused = false;
  private sentCount = 0;
  private receivedCount = 0;
  private rejectionsReceived = 0;
  /** The link and sequence number of the envelope being handled, to name it if handling kills the thread. */
  private currentPeer: string | undefined;
  private currentSeq = 0;
  private batchRemaining = 0;

  constructor(private readonly options: RouterOptions) {
    this.endpointKey = options.endpointKey;
    this.watermarks = { ...(options.watermarks ?? {}) };
    this.poison = new Set((options.poison ?? []).map((p) => `${p.peerKey}\u0000${p.seq}`));
    this.restoreOutgoing(options.outgoing);
  }

  /**
   * An endpoint restarting from saved state continues each link's numbering (so peers recognise what they have
   * already taken) and sends again what it had not handed to a live port; routes are asked for anew.
   */
  private restoreOutgoing(outgoing: OutgoingState | undefined): void {
    if (outgoing === undefined) return;
    for (const [name, state] of Object.entries(outgoing.links)) {
      const link = this.linkNamed(name);
      link.restoreOutgoing(state.nextSeq, state.pending, state.overflow ?? [], state.acked);
      this.routes.set(name, link);
    }
    for (const [actorId, held] of Object.entries(outgoing.unresolved))
      this.unresolved.set(actorId, [...held]);
    for (const name of new Set([...Object.keys(outgoing.links), ...Object.keys(outgoing.unresolved)])) {
      this.options.resolve(name);
    }
  }

  private linkNamed(name: string): Link {
    let link = this.links.get(name);
    if (link === undefined) {
      this.linkCount += 1;
      link = new Link(name, this.options.window, this.linkEvents, this.linkCount, !this.options.writeAhead);
      this.links.set(name, link);
    }
    return link;
  }

  /** With `durableOutbox`, envelopes to durable peers are left to the outbox (see takeOutbox), not listed here. */
  outgoingState(durableOutbox = false): OutgoingState {
    const links: OutgoingState['links'] = {};
    for (const [name, link] of this.links) links[name] = link.outgoingState(durableOutbox);
    const unresolved: OutgoingState['unresolved'] = {};
    for (const [actorId, held] of this.unresolved) unresolved[actorId] = held.slice();
    return { links, unresolved };
  }

  /**
   * For a durable outbox (see Link.takeUnsaved): what each link to a durable peer numbered since the last call, and
   * how far each one's peer has acknowledged where that moved.
   */
  takeOutbox(): OutboxChanges {
    const sent: OutboxBatch[] = [];
    const acknowledged: Record<string, number> = {};
    for (const [name, link] of this.links) {
      const unsaved = link.takeUnsaved();
      if (unsaved !== undefined) sent.push({ link: name, ...unsaved });
      const through = link.takeAcknowledged();
      if (through !== undefined) acknowledged[name] = through;
    }
    return { sent, acknowledged };
  }

  /**
   * Whether the outgoing state holds envelopes that are in no live port (held for an unresolved route or a peer
   * that is down), or a link the progress board has no slot for: then progress must be saved by message.
   */
  needsProgressMessages(): boolean {
    if (this.unresolved.size > 0) return true;
    for (const link of this.links.values()) {
      if ((!link.attached && link.inFlight > 0) || link.overflowing > 0) return true;
      if (!(this.options.board?.fits(link.index) ?? false)) return true;
    }
    return false;
  }

  /** Changes whenever something that outgoingState or the watermarks describe may have changed. */
  progressStamp(): number {
    return this.sentCount + this.receivedCount + this.linkChanges;
  }

  /** Most envelopes in flight to one peer endpoint. */
  get window(): number {
    return this.options.window;
  }

  addLocal(actorId: string, target: LocalTarget): void {
    this.locals.set(actorId, target);
    this.deadRoutes.delete(actorId);
  }

  removeLocal(actorId: string): void {
    this.locals.delete(actorId);
  }

  /** Runs `hook` at every commit, after local deliveries and before batches and acks leave. */
  onCommit(hook: () => void): () => void {
    this.commitHooks.push(hook);
    return () => {
      const index = this.commitHooks.indexOf(hook);
      if (index !== -1) this.commitHooks.splice(index, 1);
    };
  }

  /** Stops all traffic at once: what this turn produced is discarded, as the endpoint is failing. */
  halt(): void {
    this.halted = true;
    if (this.stallTimer !== undefined) clearTimeout(this.stallTimer);
  }

  /**
   * Sends an envelope. With `hold`, a full link keeps it beyond the window instead of refusing it: actors' sends
   * use this (an actor cannot wait), and while anything is held this endpoint takes no new input, so its own
   * senders' windows fill up in turn: backpressure travels upstream instead of memory growing.
   */
  send(envelope: Envelope, hold = false): SendStatus {
    if (this.halted) return 'dead';
    const target = actorOf(envelope.to);
    let status: SendStatus;
    if (this.locals.has(target) || this.asks.has(envelope.to)) {
      status = this.enqueueLocal(envelope, hold);
    } else {
      const link = this.routes.get(target);
      if (link === undefined) status = this.sendUnrouted(envelope, target, hold);
      else if (link.offer(envelope)) status = 'sent';
      else if (hold) {
        link.hold(envelope);
        status = 'held';
      } else status = 'full';
    }
    if (status === 'sent' || status === 'held') {
      this.sentCount += 1;
      this.scheduleCommit();
    }
    return status;
  }

  tell(
    from: string,
    to: string,
    type: string,
    payload: unknown,
    options?: EnvelopeOptions,
    hold = false,
  ): SendStatus {
    return this.send(createEnvelope(from, to, type, payload, options, this.options.now?.()), hold);
  }

  ask<TReply>(
    from: string,
    to: string,
    type: string,
    payload: unknown,
    options: EnvelopeOptions & { timeoutMs: number; checkReply?: (payload: unknown) => string | undefined },
  ): Promise<TReply> {
    const { address, reply } = this.asks.open<TReply>(from, to, type, options.timeoutMs, options.checkReply);
    const status = this.send(
      createEnvelope(from, to, type, payload, { ...options, replyTo: address }, this.options.now?.()),
    );
    if (status === 'full')
      this.asks.settle(address, undefined, new MailboxFullError(to, this.options.window));
    else if (status === 'dead')
      this.asks.settle(address, undefined, new DeadLetterError(to, this.deadReason(to)));
    return reply;
  }

  /**
   * How many more envelopes to actor `to` would go out at once rather than be held: fewer than `limit` (default
   * the window) unacknowledged to the endpoint hosting it, and never beyond its window. A sender that must not
   * pause for one slow receiver (a fan-out to consumers of different speeds) asks before it sends. An actor in
   * this thread runs in this thread's own loop and never pauses its sender, so it always has room up to `limit`.
   */
  room(to: string, limit = this.options.window): number {
    const bound = Math.min(limit, this.options.window);
    const target = actorOf(to);
    if (this.locals.has(target)) return bound;
    const link = this.routes.get(target);
    const used = link === undefined ? (this.unresolved.get(target)?.length ?? 0) : link.inFlight;
    return Math.max(0, bound - used);
  }

  /** Resolves once there may be room to send again (after the next acknowledgement from any peer). */
  whenWritable(): Promise<void> {
    this.scheduleCommit();
    return new Promise((resolve) => this.writableWaiters.push(resolve));
  }

  /**
   * A direct port to the endpoint named `name` (an actor id, or `$main`), serving the given actor ids;
   * `peerDurable` when that endpoint saves what it takes in a durable store (see Link.takeUnsaved).
   */
  attachLink(
    name: string,
    port: MessagePort,
    peerKey: string,
    actorIds: readonly string[],
    peerDurable = false,
    acks?: AckBoardSide,
  ): void {
    const link = this.linkNamed(name);
    link.attach(port, peerKey, this.watermarks[peerKey] ?? 0, peerDurable, acks);
    // Attaching may set what was taken from this peer (its watermark): the board must not keep an older value
    // if this endpoint dies before its next commit.
    this.writeBoard(link);
    this.linkChanges += 1;
    this.options.onLinkAttached?.(link.index, name, peerKey);
    for (const actorId of actorIds) this.routeTo(actorId, link);
    this.scheduleCommit();
  }

  /** The actor lives on the endpoint an existing link already reaches. */
  routeVia(actorId: string, linkName: string): void {
    const link = this.links.get(linkName);
    if (link === undefined) {
      this.routeFailed(actorId, `no link '${linkName}'`);
      return;
    }
    this.routeTo(actorId, link);
    this.scheduleCommit();
  }

  /** The directory has no such actor, or it stopped for good. */
  routeFailed(actorId: string, reason: string): void {
    if (this.links.get(actorId)?.attached === false) this.peerGone(actorId, reason);
    this.deadRoutes.set(actorId, reason);
    const held = this.unresolved.get(actorId);
    this.unresolved.delete(actorId);
    for (const envelope of held ?? []) this.undeliverable(envelope, reason);
  }

  /** The actor may be reachable again (it started): forget that it was not. */
  available(actorId: string): void {
    this.deadRoutes.delete(actorId);
  }

  /** The endpoint behind link `name` went down and will come back: hold what is sent to it. */
  peerDown(name: string): void {
    this.links.get(name)?.detach();
    this.linkChanges += 1;
    this.scheduleCommit();
  }

  /** The endpoint behind link `name` is gone for good: everything held for it becomes a dead letter. */
  peerGone(name: string, reason: string): void {
    const link = this.links.get(name);
    if (link === undefined) return;
    // The link object stays: if the actor is started again, numbering continues where its saved state expects.
    link.close();
    this.linkChanges += 1;
    for (const [actorId, routed] of this.routes) {
      if (routed !== link) continue;
      this.routes.delete(actorId);
      this.deadRoutes.set(actorId, reason);
      this.asks.failTo(actorId, reason);
    }
    for (const envelope of link.takeUnacked()) this.undeliverable(envelope, reason);
    this.scheduleCommit();
  }

  /** Sequence numbers taken from each current peer: saved with the actor's state. */
  currentWatermarks(): Record<string, number> {
    for (const link of this.links.values()) {
      if (link.peerKey !== undefined) this.watermarks[link.peerKey] = link.received;
    }
    return { ...this.watermarks };
  }

  stats(): RouterStats {
    let inFlight = 0;
    for (const link of this.links.values()) inFlight += link.inFlight;
    let held = 0;
    for (const queue of this.unresolved.values()) held += queue.length;
    return {
      sent: this.sentCount,
      received: this.receivedCount,
      queuedLocal: this.localQueue.length,
      inFlight,
      held,
      pendingAsks: this.asks.size,
      rejectionsReceived: this.rejectionsReceived,
    };
  }

  /**
   * Envelopes received and not yet handled: the rest of the batch being handled, the local queue, and batches
   * waiting while this endpoint is paused.
   */
  backlog(): number {
    let paused = 0;
    for (const batch of this.paused) paused += batch.envelopes.length;
    return this.batchRemaining + this.localQueue.length + paused;
  }

  /** The link and sequence number of the envelope being handled, if any: it is the one to blame for a crash. */
  get current(): { peerKey: string; seq: number } | undefined {
    return this.currentPeer === undefined ? undefined : { peerKey: this.currentPeer, seq: this.currentSeq };
  }

  close(): void {
    for (const link of this.links.values()) link.close();
    this.asks.failAll('the asking endpoint stopped');
  }

  private routeTo(actorId: string, link: Link): void {
    this.routes.set(actorId, link);
    this.deadRoutes.delete(actorId);
    const held = this.unresolved.get(actorId);
    if (held === undefined) return;
    this.unresolved.delete(actorId);
    for (const envelope of held) {
      // Whatever was accepted is delivered: beyond the window it waits in the link's hold.
      if (!link.offer(envelope)) link.hold(envelope);
    }
  }

  /** A local mailbox beyond its bound refuses outside senders, but takes an actor's sends (it cannot wait). */
  private enqueueLocal(envelope: Envelope, hold: boolean): SendStatus {
    const full = this.localQueue.length >= this.options.window * Math.max(1, this.locals.size);
    if (full && !hold) return 'full';
    this.localQueue.push(envelope);
    return full ? 'held' : 'sent';
  }

  private sendUnrouted(envelope: Envelope, target: string, hold: boolean): SendStatus {
    const dead = this.deadRoutes.get(target);
    if (dead !== undefined) {
      this.undeliverable(envelope, dead);
      return 'dead';
    }
    let held = this.unresolved.get(target);
    if (held === undefined) {
      held = [];
      this.unresolved.set(target, held);
      this.options.resolve(target);
      // The directory may answer synchronously (on the main thread) and route or refuse what is held.
      if (!this.unresolved.has(target)) return this.send(envelope, hold);
    }
    if (held.length >= this.options.window) {
      if (!hold) return 'full';
      held.push(envelope);
      return 'held';
    }
    held.push(envelope);
    return 'sent';
  }

  private deadReason(actorId: string): string {
    return this.deadRoutes.get(actorId) ?? `no actor '${actorId}'`;
  }

  private readonly linkEvents = {
    onBatch: (link: Link, firstSeq: number, envelopes: readonly unknown[], redeliveredUpTo: number) => {
      // A halted endpoint takes nothing: its senders keep what they sent for the next incarnation.
      if (this.halted) return;
      // While it holds sends beyond a window, the endpoint takes no new input: the batch waits, unacknowledged.
      // But for input from a peer it is holding sends for: that peer may itself be waiting for room here, and
      // two actors flooding each other would otherwise wait on each other for ever.
      const waitedOn = link.overflowing > 0 && !this.paused.some((entry) => entry.link === link);
      if (!waitedOn && (this.paused.length > 0 || this.holding())) {
        this.paused.push({ link, firstSeq, envelopes, redeliveredUpTo });
        this.watchStall();
        return;
      }
      this.takeBatch(link, firstSeq, envelopes, redeliveredUpTo);
    },
    onInvalid: (link: Link, reason: string) => {
      this.options.log.warn({ link: link.name, reason }, 'invalid message on link');
    },
    onAcked: () => {
      this.ackedWhilePaused = true;
      // Room again: held sends moved into the window go out at the next commit, and paused input resumes.
      this.scheduleCommit();
      while (this.paused.length > 0 && !this.holding() && !this.halted) {
        const next = this.paused.shift();
        if (next) this.takeBatch(next.link, next.firstSeq, next.envelopes, next.redeliveredUpTo);
      }
      if (this.writableWaiters.length === 0) return;
      for (const wake of this.writableWaiters.splice(0)) wake();
    },
  };

  private watchStall(): void {
    if (this.stallTimer !== undefined) return;
    this.ackedWhilePaused = false;
    this.stallTimer = setTimeout(() => {
      this.stallTimer = undefined;
      if (this.halted || this.paused.length === 0) return;
      if (!this.ackedWhilePaused) {
        const next = this.paused.shift();
        if (next) this.takeBatch(next.link, next.firstSeq, next.envelopes, next.redeliveredUpTo);
      }
      if (this.paused.length > 0) this.watchStall();
    }, STALL_MS);
    this.stallTimer.unref?.();
  }

  private holding(): boolean {
    for (const link of this.links.values()) if (link.overflowing > 0) return true;
    for (const held of this.unresolved.values()) if (held.length > this.options.window) return true;
    return false;
  }

  private takeBatch(
    link: Link,
    firstSeq: number,
    envelopes: readonly unknown[],
    redeliveredUpTo: number,
  ): void {
    // A peer that sent to an earlier incarnation numbers on from there: a gap is only wrong where this
    // endpoint knows what it took from that peer before.
    if (firstSeq > link.received + 1 && link.received > 0) {
      this.options.log.error(
        { link: link.name, expected: link.received + 1, got: firstSeq },
        'gap in link sequence numbers',
      );
    }
    for (let i = 0; i < envelopes.length; i += 1) {
      if (this.halted) return;
      const seq = firstSeq + i;
      if (seq <= link.received) continue;
      link.received = seq;
      const envelope = envelopes[i];
      if (!isEnvelope(envelope)) {
        this.options.log.warn({ link: link.name, seq }, 'invalid envelope from peer refused');
        continue;
      }
      // The envelope is this endpoint's own copy (posting clones it): marking it touches no sender's.
      if (seq <= redeliveredUpTo) envelope.redelivered = true;
      else if (envelope.redelivered !== undefined) delete envelope.redelivered;
      this.receivedCount += 1;
      const peerKey = link.peerKey ?? link.name;
      if (this.poison.size > 0 && this.poison.has(`${peerKey}\u0000${seq}`)) {
        this.reject(envelope, 'its handling crashed an earlier incarnation of the receiver');
        continue;
      }
      this.currentPeer = peerKey;
      this.currentSeq = seq;
      this.batchRemaining = envelopes.length - i - 1;
      const blame = this.options.blame;
      if (blame !== undefined) {
        blame[1] = link.index;
        blame[2] = seq;
        blame[0] = 1;
        this.deliver(envelope);
        blame[0] = 0;
      } else {
        this.deliver(envelope);
      }
    }
    this.currentPeer = undefined;
    this.batchRemaining = 0;
    this.scheduleCommit();
  }

  private deliver(envelope: Envelope): void {
    if (envelope.type === REJECTED_TYPE && !this.asks.has(envelope.to)) {
      // The refusing endpoint already made it a dead letter; a sender that did not ask has nothing to settle.
      this.rejectionsReceived += 1;
      return;
    }
    if (envelope.to.includes('#')) {
      if (this.asks.has(envelope.to)) this.asks.answer(envelope);
      else this.undeliverable(envelope, 'reply arrived after its ask had ended');
      return;
    }
    const target = this.locals.get(actorOf(envelope.to));
    if (target === undefined) {
      this.undeliverable(envelope, `no actor '${actorOf(envelope.to)}' in this endpoint`);
      return;
    }
    target.accept(envelope);
  }

  /** Refuses an envelope: a dead letter here, and the sender told why (unless it is itself a reply or refusal). */
  reject(envelope: Envelope, reason: string): void {
    // The refusal settles an ask through the $rejected reply, wherever the asker is, so asks fail alike inline
    // and across threads.
    this.options.deadLetters.record(deadLetterOf(envelope, reason));
    if (envelope.type === REPLY_TYPE || envelope.type === REJECTED_TYPE) return;
    const payload: RejectionPayload = { id: envelope.id, type: envelope.type, reason };
    this.send(
      createEnvelope(envelope.to, envelope.replyTo ?? envelope.from, REJECTED_TYPE, payload, {
        correlationId: envelope.correlationId,
      }),
      true,
    );
  }

  private undeliverable(envelope: Envelope, reason: string): void {
    if (envelope.replyTo !== undefined && this.asks.has(envelope.replyTo)) {
      this.asks.settle(envelope.replyTo, undefined, new DeadLetterError(envelope.to, reason));
    }
    this.options.deadLetters.record(deadLetterOf(envelope, reason));
  }

  /** Commits at the end of this turn: called for every send, and when an actor's state changes by itself. */
  scheduleCommit(): void {
    if (this.commitScheduled || this.halted) return;
    this.commitScheduled = true;
    queueMicrotask(this.commit);
  }

  private readonly commit = (): void => {
    this.commitScheduled = false;
    if (this.halted) return;
    const drained = this.localQueue.length > 0;
    while (this.localQueue.length > 0) {
      const queue = this.localQueue;
      this.localQueue = [];
      for (const envelope of queue) {
        if (this.halted) return;
        this.deliver(envelope);
      }
    }
    // Local mailboxes have no acknowledgements: their draining is what makes room for a waiting sender.
    if (drained && this.writableWaiters.length > 0) for (const wake of this.writableWaiters.splice(0)) wake();
    for (const hook of this.commitHooks) hook();
    if (this.halted) return;
    for (const link of this.links.values()) this.writeBoard(link);
    let ackPending = false;
    for (const link of this.links.values()) {
      link.flush(true);
      ackPending ||= link.ackPending;
    }
    // What waits for an acknowledgement must hear of it by post: sends may have gone out on a link only now (a route
    // resolved), after the waiter had asked its peers to post (see AckBoard).
    if (this.writableWaiters.length > 0 || this.paused.length > 0) {
      for (const link of this.links.values()) if (link.inFlight > 0) link.awaitAcks();
    }
    // An acknowledgement with no batch to ride on waits for the end of this loop iteration: a reply or the next
    // request often comes first and carries it, which saves a post each way in request/reply traffic.
    if (ackPending && !this.ackScheduled) {
      this.ackScheduled = true;
      setImmediate(this.sendAcks);
    }
  };

  private writeBoard(link: Link): void {
    const board = this.options.board;
    if (board?.fits(link.index)) board.write(link.index, link.nextSeq, link.received);
  }

  private readonly sendAcks = (): void => {
    this.ackScheduled = false;
    if (this.halted) return;
    for (const link of this.links.values()) link.sendAck();
  };

  /**
   * Commits and acknowledges at once, then takes nothing more: for an endpoint that ends (stopped, or its
   * machine finished), so that what it handled is not sent again to its successor and what it did not is.
   */
  commitAndHalt(): void {
    this.commit();
    this.sendAcks();
    this.halt();
  }
}
