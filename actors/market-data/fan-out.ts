/** What the fan-out needs of its actor's effects (ActorIO provides all three). */
export interface Outlet {
  tell(to: string, type: string, payload: unknown): boolean;
  /** How many more messages to `to` may be sent now with fewer than `limit` unacknowledged. */
  room(to: string, limit: number): number;
  /** Resolves once some receiver has acknowledged something. */
  writable(): Promise<void>;
}

export interface DeliveryCounts {
  delivered: number;
  /** Messages replaced by a newer value of the same key before there was room to send them. */
  dropped: number;
}

interface Receiver extends DeliveryCounts {
  readonly id: string;
  /** The latest undelivered message per key, oldest first. */
  readonly pending: Map<string, { type: string; payload: unknown }>;
}

/**
 * Delivers to many receivers without letting a slow one stall the sender. The runtime holds a tell beyond the
 * receiver's window and then pauses the sender's input, which would stop the feed for every receiver; so each
 * receiver gets at most `maxInFlight` unacknowledged messages, and beyond that only the latest message per key
 * (an instrument and kind of data) is kept for it, the ones it replaces counted as dropped. What is kept goes out
 * as acknowledgements make room, in the order of the latest values; nothing overtakes what is kept.
 */
export class FanOut {
  private readonly receivers = new Map<string, Receiver>();
  private readonly backlogged = new Set<Receiver>();
  private waiting = false;

  constructor(
    private readonly outlet: Outlet,
    private readonly maxInFlight: number,
  ) {}

  deliver(to: string, key: string, type: string, payload: unknown): void {
    const receiver = this.receiverOf(to);
    if (receiver.pending.size > 0) this.flush(receiver);
    if (receiver.pending.size === 0 && this.outlet.room(to, this.maxInFlight) > 0) {
      this.outlet.tell(to, type, payload);
      receiver.delivered += 1;
      return;
    }
    // Deleting first moves the key to the end: kept values go out in the order their latest values came.
    if (receiver.pending.delete(key)) receiver.dropped += 1;
    receiver.pending.set(key, { type, payload });
    this.backlogged.add(receiver);
    this.awaitRoom();
  }

  counts(to: string): DeliveryCounts {
    const receiver = this.receivers.get(to);
    return { delivered: receiver?.delivered ?? 0, dropped: receiver?.dropped ?? 0 };
  }

  /** Messages kept for `to`, not yet sent. */
  backlog(to: string): number {
    return this.receivers.get(to)?.pending.size ?? 0;
  }

  private receiverOf(to: string): Receiver {
    let receiver = this.receivers.get(to);
    if (receiver === undefined) {
      receiver = { id: to, delivered: 0, dropped: 0, pending: new Map() };
      this.receivers.set(to, receiver);
    }
    return receiver;
  }

  private flush(receiver: Receiver): void {
    let room = this.outlet.room(receiver.id, this.maxInFlight);
    for (const [key, message] of receiver.pending) {
      if (room <= 0) return;
      receiver.pending.delete(key);
      this.outlet.tell(receiver.id, message.type, message.payload);
      receiver.delivered += 1;
      room -= 1;
    }
  }

  private awaitRoom(): void {
    if (this.waiting) return;
    this.waiting = true;
    this.outlet.writable().then(this.resume);
  }

  private readonly resume = (): void => {
    this.waiting = false;
    for (const receiver of this.backlogged) {
      this.flush(receiver);
      if (receiver.pending.size === 0) this.backlogged.delete(receiver);
    }
    if (this.backlogged.size > 0) this.awaitRoom();
  };
}
