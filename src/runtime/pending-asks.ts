import { AskTimeoutError, DeadLetterError, ValidationError } from '../resilience/errors.ts';
import type { Envelope } from './envelope.ts';
import { REJECTED_TYPE, type RejectionPayload, replyAddress } from './wire.ts';

interface PendingAsk {
  to: string;
  type: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  checkReply: ((payload: unknown) => string | undefined) | undefined;
}

/**
 * The asks an endpoint is waiting on, by reply address. Each has a timeout; a reply is checked against the
 * request's reply schema; a refusal, a dead receiver or the timeout rejects it with a typed error.
 */
export class PendingAsks {
  private readonly pending = new Map<string, PendingAsk>();
  private counter = 0;

  get size(): number {
    return this.pending.size;
  }

  has(address: string): boolean {
    return this.pending.has(address);
  }

  /** Registers an ask from `from` and returns the address its reply must go to. */
  open<TReply>(
    from: string,
    to: string,
    type: string,
    timeoutMs: number,
    checkReply?: (payload: unknown) => string | undefined,
  ): { address: string; reply: Promise<TReply> } {
    this.counter += 1;
    const address = replyAddress(from, this.counter);
    const reply = new Promise<TReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(address);
        reject(new AskTimeoutError(to, type, timeoutMs));
      }, timeoutMs);
      this.pending.set(address, {
        to,
        type,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer,
        checkReply,
      });
    });
    return { address, reply };
  }

  /** Settles the ask a reply (or a refusal) is addressed to. */
  answer(envelope: Envelope): void {
    const pending = this.pending.get(envelope.to);
    if (pending === undefined) return;
    if (envelope.type === REJECTED_TYPE) {
      const reason = (envelope.payload as Partial<RejectionPayload>).reason ?? 'no reason given';
      const refusal = `actor '${pending.to}' refused '${pending.type}': ${reason}`;
      this.settle(envelope.to, undefined, new ValidationError(refusal, { to: pending.to }));
      return;
    }
    const problem = pending.checkReply?.(envelope.payload);
    if (problem !== undefined) {
      this.settle(envelope.to, undefined, new ValidationError(`reply from '${pending.to}': ${problem}`));
      return;
    }
    this.settle(envelope.to, envelope.payload);
  }

  settle(address: string, value: unknown, error?: Error): void {
    const pending = this.pending.get(address);
    if (pending === undefined) return;
    this.pending.delete(address);
    clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else pending.resolve(value);
  }

  /** Fails every ask waiting on `actorId`, which will not answer. */
  failTo(actorId: string, reason: string): void {
    for (const [address, pending] of this.pending) {
      if (pending.to === actorId) this.settle(address, undefined, new DeadLetterError(actorId, reason));
    }
  }

  failAll(reason: string): void {
    for (const [address, pending] of this.pending) {
      this.settle(address, undefined, new DeadLetterError(pending.to, reason));
    }
  }
}
