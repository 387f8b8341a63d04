import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import { AckBoard, type AckBoardSide } from './ack-board.ts';
import { decodeBatch, encodeBatch } from './batch-codec.ts';
import type { Envelope } from './envelope.ts';
import { isLinkMessage, type LinkMessage } from './wire.ts';

/** Envelopes per postMessage at most: large enough to amortise the post, small enough to pipeline. */
export const MAX_BATCH = 512;

/**
 * While fewer posted envelopes than this await the peer's acknowledgement, a link that may post before its commit
 * posts each envelope as it is offered. A peer that keeps up then starts on the first envelope of a burst while this
 * endpoint still makes the rest: a burst of ticks goes through market data and a strategy as a pipeline, not a batch
 * at a time through each (tick to order at 10,000 ticks/s: p50 198 us against 244 us posting at the commit). A peer
 * that lags leaves more unacknowledged, and gets batches, which cost both threads less per envelope.
 */
export const PIPELINE_DEPTH = 32;

/** A link's outgoing side as saved with its endpoint's progress. */
export interface OutgoingLinkState {
  nextSeq: number;
  pending: Envelope[];
  overflow?: Envelope[];
  /** With a durable outbox: the peer acknowledged up to here, and the outbox holds the unacknowledged rest. */
  acked?: number;
}

export interface LinkEvents {
  /** Envelopes `firstSeq`, `firstSeq + 1`, ... arrived (possibly some already seen: check `received`). */
  /** `redeliveredUpTo`: the envelopes numbered up to it were posted before (see LinkMessage). */
  onBatch(link: Link, firstSeq: number, envelopes: readonly unknown[], redeliveredUpTo: number): void;
  onInvalid(link: Link, reason: string): void;
  /** The peer took responsibility for some envelopes: the window has room again. */
  onAcked(link: Link): void;
}

/**
 * One direct MessagePort between two endpoints, in both directions.
 *
 * Outgoing, envelopes are numbered and kept until the peer acknowledges them; at most `window` are unacknowledged,
 * which bounds the peer's mailbox and is the backpressure signal. When the peer restarts the link is attached to
 * its new port and everything unacknowledged is sent again, in order.
 *
 * Incoming, `received` is the highest sequence number taken from the current peer incarnation; an endpoint that
 * restarts restores it from its snapshot, so envelopes sent again are recognised and skipped.
 */
export class Link {
  peerKey: string | undefined;
  received = 0;
  private port: MessagePort | undefined;
  /** Acknowledgements in shared memory with the current peer, when it was attached with one (see AckBoard). */
  private board: AckBoard | undefined;
  private ackedUpTo = 0;
  private postedUpTo = 0;
  /** The highest sequence number ever posted, by this incarnation or (as far as it knows) an earlier one. */
  private postedEver = 0;
  private ackSent = 0;
  /** The highest outgoing sequence number handed to a durable outbox (see takeUnsaved). */
  private savedUpTo = 0;
  /** The acknowledgement last handed to the outbox, which lets go of what it covers (see takeAcknowledged). */
  private releasedUpTo = 0;
  /** The peer saves what it takes with its state, so a durable outbox applies (see takeUnsaved). */
  private peerDurable = false;
  /** The highest incoming sequence number covered by a commit: only that much may be acknowledged. */
  private committed = 0;
  private readonly unacked: Envelope[] = [];
  private readonly overflow: Envelope[] = [];

  constructor(
    readonly name: string,
    readonly window: number,
    private readonly events: LinkEvents,
    /** A small number naming this link within its endpoint, for the blame slot. */
    readonly index = 0,
    /** Post before the commit: at once to a peer that keeps up, full batches to one that lags (see writeAhead). */
    private readonly earlyFlush = true,
  ) {}

  get attached(): boolean {
    return this.port !== undefined;
  }

  get inFlight(): number {
    this.syncAcks();
    return this.unacked.length + this.overflow.length;
  }

  /** The sequence number the next offered envelope gets. */
  get nextSeq(): number {
    return this.ackedUpTo + this.unacked.length + 1;
  }

  /** The highest sequence number the peer has acknowledged. */
  get ackedThrough(): number {
    return this.ackedUpTo;
  }

  /**
   * What of this link's outgoing side must survive the sender's death: the numbering, and the envelopes that are
   * in no live port (a detached link holds them in this thread's memory only). Posted ones are in the peer's port,
   * which survives this thread's death but not the process's: a durable sender keeps every unacknowledged envelope
   * in an outbox instead (`durableOutbox`, see takeUnsaved), and this state then says how far the peer acknowledged.
   */
  outgoingState(durableOutbox = false): OutgoingLinkState {
    this.syncAcks();
    if (durableOutbox && this.peerDurable) {
      return { nextSeq: this.nextSeq, pending: [], overflow: this.overflow.slice(), acked: this.ackedUpTo };
    }
    return {
      nextSeq: this.nextSeq,
      pending: this.port === undefined ? this.unacked.slice() : [],
      overflow: this.overflow.slice(),
    };
  }

  /**
   * The envelopes numbered since the last call and not yet acknowledged, for a durable outbox to keep until the
   * peer acknowledges them: a whole-process kill takes the peer's port and the peer's unsaved input with it, and
   * the next incarnation must send them again (the peer skips those its saved watermark shows it had). Only for a
   * durable peer: one that starts afresh has no watermark to skip by, and would act twice on what it had handled
   * (a venue adapter would send an order twice); whoever talks to it reconciles instead.
   */
  takeUnsaved(): { firstSeq: number; envelopes: Envelope[] } | undefined {
    if (!this.peerDurable) return undefined;
    this.syncAcks();
    const firstSeq = Math.max(this.savedUpTo, this.ackedUpTo) + 1;
    const last = this.nextSeq - 1;
    if (firstSeq > last) return undefined;
    this.savedUpTo = last;
    return { firstSeq, envelopes: this.unacked.slice(firstSeq - this.ackedUpTo - 1) };
  }

  /**
   * How far the peer has acknowledged, when that moved since the last call: the outbox lets go of what it covers.
   * Asked at every commit, so the outbox is only searched when there is something to let go of.
   */
  takeAcknowledged(): number | undefined {
    if (!this.peerDurable) return undefined;
    this.syncAcks();
    if (this.ackedUpTo <= this.releasedUpTo) return undefined;
    this.releasedUpTo = this.ackedUpTo;
    return this.ackedUpTo;
  }

  /** Continues the numbering of an earlier incarnation of this endpoint, with what it had not yet handed over. */
  restoreOutgoing(
    nextSeq: number,
    pending: readonly Envelope[],
    overflow: readonly Envelope[] = [],
    acked?: number,
  ): void {
    this.peerDurable = acked !== undefined;
    this.unacked.splice(0, this.unacked.length, ...pending);
    this.overflow.splice(0, this.overflow.length, ...overflow);
    this.ackedUpTo = nextSeq - 1 - pending.length;
    this.postedUpTo = this.ackedUpTo;
    // The earlier incarnation may have posted all it numbered before it went down.
    this.postedEver = nextSeq - 1;
    // Restored envelopes came from the outbox (or from no durable store), and are not to be saved again.
    this.savedUpTo = nextSeq - 1;
    // What the outbox still holds up to the restored acknowledgement goes at the first commit.
    this.releasedUpTo = 0;
  }

  get hasRoom(): boolean {
    this.syncAcks();
    return this.unacked.length < this.window;
  }

  /**
   * Connects to a (new) port of the peer. `watermark` is what this endpoint had taken from that peer before;
   * `peerDurable`, whether the peer saves what it takes (see takeUnsaved); `acks`, this side of a board shared
   * with the peer (see AckBoard), without which acknowledgements all go by post.
   */
  attach(
    port: MessagePort,
    peerKey: string,
    watermark: number,
    peerDurable = false,
    acks?: AckBoardSide,
  ): void {
    const board = acks === undefined ? undefined : new AckBoard(acks);
    this.detach();
    // Newly durable: the outbox must come to hold everything unacknowledged, not only what is numbered from now.
    if (peerDurable && !this.peerDurable) this.savedUpTo = this.ackedUpTo;
    this.peerDurable = peerDurable;
    if (peerKey !== this.peerKey) {
      this.received = watermark;
      this.ackSent = watermark;
      this.committed = watermark;
    }
    this.peerKey = peerKey;
    this.port = port;
    this.board = board;
    // A sender that restarted starts from what it saved: the board must say what this side has already committed.
    board?.publish(this.committed);
    this.postedUpTo = this.ackedUpTo;
    port.on('message', this.onMessage);
  }

  /**
   * Disconnects from a peer that went down. What it had already posted (its last committed batches and acks) is
   * still queued on the port: take it before closing, so nothing it committed is lost.
   */
  detach(): void {
    const port = this.port;
    if (port === undefined) return;
    this.port = undefined;
    port.off('message', this.onMessage);
    for (let entry = receiveMessageOnPort(port); entry !== undefined; entry = receiveMessageOnPort(port)) {
      this.handle(entry.message);
    }
    this.syncAcks();
    this.board = undefined;
    port.close();
  }

  offer(envelope: Envelope): boolean {
    this.syncAcks();
    // Behind held envelopes nothing may overtake them: FIFO holds across the window's edge too.
    if (this.unacked.length >= this.window || this.overflow.length > 0) return false;
    this.unacked.push(envelope);
    // A producer filling its whole window in one turn would leave the receiver idle until the turn ends:
    // posting every MAX_BATCH envelopes lets the two threads work at the same time.
    if (this.earlyFlush) {
      const inFlight = this.postedUpTo - this.ackedUpTo;
      if (inFlight < PIPELINE_DEPTH || this.unacked.length - inFlight >= MAX_BATCH) this.flush(false);
    }
    return true;
  }

  /**
   * Keeps an envelope beyond the window, unnumbered, until acknowledgements make room. Actors' sends take this
   * path (an actor cannot wait); their endpoint stops taking new input while anything is held (see Router).
   */
  hold(envelope: Envelope): void {
    this.overflow.push(envelope);
    this.awaitAcks();
  }

  /**
   * Asks the peer to post its acknowledgements rather than only publish them, for a sender that waits for room
   * (see AckBoard). When the board shows they moved already, they are taken up at the end of this turn.
   */
  awaitAcks(): void {
    const board = this.board;
    if (board === undefined || board.waiting) return;
    board.waiting = true;
    if (this.syncAcks()) queueMicrotask(this.onAckedByBoard);
  }

  get overflowing(): number {
    return this.overflow.length;
  }

  /**
   * Posts everything offered since the last flush as one batch; at a commit (`acknowledge`) the batch also
   * carries the acknowledgement of what this endpoint has committed. Returns whether anything was posted.
   */
  flush(acknowledge: boolean): boolean {
    const port = this.port;
    if (port === undefined) return false;
    if (acknowledge) {
      this.committed = this.received;
      this.board?.publish(this.committed);
    }
    const start = this.postedUpTo - this.ackedUpTo;
    if (start >= this.unacked.length) return false;
    // Encoding (or postMessage's clone) copies synchronously, so the live array can go when the whole of it is new.
    const batch = start === 0 ? this.unacked : this.unacked.slice(start);
    const message: LinkMessage = { t: 'batch', s: this.postedUpTo + 1, e: encodeBatch(batch) ?? batch };
    if (acknowledge && this.ackWanted) {
      message.a = this.committed;
      this.ackSent = this.committed;
    }
    if (this.postedEver > this.postedUpTo) message.r = this.postedEver;
    port.postMessage(message);
    this.postedUpTo = this.ackedUpTo + this.unacked.length;
    if (this.postedUpTo > this.postedEver) this.postedEver = this.postedUpTo;
    return true;
  }

  get ackPending(): boolean {
    return this.port !== undefined && this.ackWanted;
  }

  /** Something committed is unacknowledged, and the peer learns of it only by post (see AckBoard). */
  private get ackWanted(): boolean {
    return this.committed > this.ackSent && (this.board === undefined || this.board.peerWaiting);
  }

  /** Acknowledges what was committed, on its own: for when no batch went the other way to carry it. */
  sendAck(): void {
    const port = this.port;
    if (port === undefined || !this.ackWanted) return;
    const message: LinkMessage = { t: 'ack', s: this.committed };
    port.postMessage(message);
    this.ackSent = this.committed;
  }

  /** Removes and returns everything unacknowledged: the peer is gone for good. */
  takeUnacked(): Envelope[] {
    this.syncAcks();
    const numbered = this.unacked.splice(0);
    this.ackedUpTo += numbered.length;
    this.postedUpTo = this.ackedUpTo;
    return [...numbered, ...this.overflow.splice(0)];
  }

  close(): void {
    this.detach();
  }

  private readonly onMessage = (message: unknown): void => {
    if (this.port !== undefined) this.handle(message);
  };

  private handle(message: unknown): void {
    if (!isLinkMessage(message)) {
      this.events.onInvalid(this, 'malformed link message');
      return;
    }
    if (message.t === 'ack') {
      this.acknowledge(message.s);
      return;
    }
    if (message.a !== undefined) this.acknowledge(message.a);
    let envelopes: readonly unknown[];
    try {
      envelopes = message.e instanceof Uint8Array ? decodeBatch(message.e) : message.e;
    } catch (error) {
      this.events.onInvalid(this, `undecodable batch: ${(error as Error).message}`);
      return;
    }
    this.events.onBatch(this, message.s, envelopes, message.r ?? 0);
  }

  /** A posted acknowledgement: sent by a peer that saw this side wait, or by one without a board. */
  private acknowledge(upTo: number): void {
    // With a board, the board may have shown this much already; the post still answers a wait, which must now end.
    if (this.board === undefined && upTo <= this.ackedUpTo) return;
    if (this.board !== undefined) this.board.waiting = false;
    this.release(upTo);
    this.syncAcks();
    this.onAcked();
  }

  private readonly onAckedByBoard = (): void => {
    if (this.board !== undefined) this.board.waiting = false;
    this.onAcked();
  };

  private onAcked(): void {
    if (this.overflow.length > 0) {
      const promoted = this.overflow.splice(0, this.window - this.unacked.length);
      for (const envelope of promoted) this.unacked.push(envelope);
    }
    // Still waiting: the rest of the held sends need the next acknowledgement too.
    if (this.overflow.length > 0) this.awaitAcks();
    this.events.onAcked(this);
  }

  /** Takes up what the board shows the peer has committed; returns whether anything was. */
  private syncAcks(): boolean {
    const board = this.board;
    if (board === undefined) return false;
    const upTo = board.peerCommitted(this.ackedUpTo, this.unacked.length);
    if (upTo <= this.ackedUpTo) return false;
    this.release(upTo);
    return true;
  }

  private release(upTo: number): void {
    const count = Math.min(upTo - this.ackedUpTo, this.unacked.length);
    if (count <= 0) return;
    this.unacked.splice(0, count);
    this.ackedUpTo += count;
    if (this.postedUpTo < this.ackedUpTo) this.postedUpTo = this.ackedUpTo;
  }
}
