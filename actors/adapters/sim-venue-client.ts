import type { InstrumentSpec } from '../../src/domain/instrument.ts';
import type { OrderRequest } from '../../src/domain/order.ts';
import type { ActorIO } from '../../src/index.ts';
import {
  AskTimeoutError,
  DeadLetterError,
  describeError,
  MailboxFullError,
  VenueError,
} from '../../src/resilience/errors.ts';
import { venueSimProtocol } from '../venue-sim/protocol.ts';
import type { VenueClient, VenueFill, VenueModify, VenueOrderRecord, VenueSession } from './venue-client.ts';

export interface SimVenueClientOptions {
  venue: string;
  /** The simulated venue's actor id. */
  venueActorId: string;
  /** How long a question to the venue may go unanswered. */
  callTimeoutMs: number;
}

type QueryReply = { found: false } | { found: true; order: VenueOrderRecord };

/**
 * The simulated venue, reached through the adapter's own ActorIO: questions (connect, queries) are asks, orders are
 * tells, as an exchange's order entry is fire-and-forget with reports coming back. The venue pushes reports and
 * market data to the adapter's actor id, so the session belongs to the adapter actor, not to this object.
 */
export class SimVenueClient implements VenueClient {
  readonly venue: string;
  private session: string | undefined;

  constructor(
    private readonly io: ActorIO,
    private readonly options: SimVenueClientOptions,
  ) {
    this.venue = options.venue;
  }

  async connect(): Promise<VenueSession> {
    const reply = await this.ask<{ sessionId: string; instruments: InstrumentSpec[] }>('connect', {
      client: this.io.self,
    });
    this.session = reply.sessionId;
    return reply;
  }

  async disconnect(): Promise<void> {
    this.session = undefined;
    this.send('disconnect', { client: this.io.self });
  }

  async subscribe(instrumentId: string): Promise<void> {
    this.sendInSession('subscribe', { client: this.io.self, instrumentId });
  }

  async submit(order: OrderRequest): Promise<void> {
    this.sendInSession('submit', { client: this.io.self, order });
  }

  async modify(change: VenueModify): Promise<void> {
    const { triggerPrice, ...rest } = change;
    if (triggerPrice !== undefined) {
      throw new VenueError(
        this.venue,
        'VENUE_REJECTED',
        'the simulated venue cannot change a trigger price',
        {
          context: { clientOrderId: change.clientOrderId },
        },
      );
    }
    this.sendInSession('modify', { client: this.io.self, ...rest });
  }

  async cancel(clientOrderId: string): Promise<void> {
    this.sendInSession('cancel', { client: this.io.self, clientOrderId });
  }

  async queryOrder(clientOrderId: string): Promise<VenueOrderRecord | undefined> {
    const reply = await this.ask<QueryReply>('queryOrder', { clientOrderId });
    return reply.found ? reply.order : undefined;
  }

  queryOpenOrders(instrumentId?: string): Promise<VenueOrderRecord[]> {
    return this.ask('queryOpenOrders', instrumentId === undefined ? {} : { instrumentId });
  }

  queryFillsSince(since: number): Promise<VenueFill[]> {
    return this.ask('queryFillsSince', { since: Math.max(0, since) });
  }

  private sendInSession(type: string, payload: Record<string, unknown>): void {
    if (this.session === undefined) {
      throw new VenueError(this.venue, 'VENUE_DISCONNECTED', `no session to send '${type}' in`);
    }
    this.send(type, payload);
  }

  /** Checked here, since the venue would only drop a malformed message as a dead letter, telling nobody. */
  private send(type: string, payload: Record<string, unknown>): void {
    const problem = venueSimProtocol.check(type, payload);
    if (problem !== undefined) {
      throw new VenueError(this.venue, 'VENUE_REJECTED', problem, {
        context: { clientOrderId: payload.clientOrderId },
      });
    }
    this.io.tell(this.options.venueActorId, type, payload);
  }

  private async ask<T>(type: string, payload: Record<string, unknown>): Promise<T> {
    try {
      return await this.io.ask<T>(this.options.venueActorId, type, payload, {
        timeoutMs: this.options.callTimeoutMs,
      });
    } catch (error) {
      throw this.translate(type, error);
    }
  }

  private translate(type: string, error: unknown): VenueError {
    const context = { call: type };
    if (error instanceof AskTimeoutError) {
      return new VenueError(this.venue, 'VENUE_TIMEOUT', `'${type}' got no answer in time`, {
        context,
        cause: error,
      });
    }
    if (error instanceof MailboxFullError) {
      return new VenueError(this.venue, 'VENUE_RATE_LIMITED', `'${type}': the venue is not keeping up`, {
        retryAfter: error.retryAfter ?? 1,
        context,
        cause: error,
      });
    }
    const reason = error instanceof DeadLetterError ? 'the venue is not there' : describeError(error);
    return new VenueError(this.venue, 'VENUE_UNAVAILABLE', `'${type}' failed: ${reason}`, {
      context,
      cause: error,
    });
  }
}
