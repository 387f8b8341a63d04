import type { Static } from '@sinclair/typebox';
import type { InstrumentSpec } from '../../src/domain/instrument.ts';
import type { OrderRequest } from '../../src/domain/order.ts';
import { describeError, FoxtrotError, VenueError } from '../../src/resilience/errors.ts';
import type { VenueFillSchema, VenueOrderRecordSchema } from '../venue-sim/protocol.ts';

export type VenueOrderRecord = Static<typeof VenueOrderRecordSchema>;
export type VenueFill = Static<typeof VenueFillSchema>;

export interface VenueSession {
  sessionId: string;
  instruments: InstrumentSpec[];
}

export interface VenueModify {
  clientOrderId: string;
  quantity?: string;
  price?: string;
  triggerPrice?: string;
}

/**
 * One venue as the adapter sees it. Calls fail with the typed hierarchy of src/resilience/errors.ts: a VenueError
 * whose code says what happened (VENUE_REJECTED: the venue said no and will say it again; VENUE_DISCONNECTED: no
 * session; VENUE_TIMEOUT: no answer in time, so an order may or may not have reached the venue).
 *
 * `submit`, `modify` and `cancel` resolve once the request is handed to the venue, not when the venue has acted:
 * what the venue does with an order arrives later as the adapter's `venueReport` messages, as do market data
 * (`quote`, `trade`) and the end of a session (`sessionClosed`). A client whose venue pushes over its own
 * transport (a websocket) turns each push into that message to its adapter, so the adapter has one path for all.
 */
export interface VenueClient {
  readonly venue: string;
  connect(): Promise<VenueSession>;
  disconnect(): Promise<void>;
  subscribe(instrumentId: string): Promise<void>;
  submit(order: OrderRequest): Promise<void>;
  modify(change: VenueModify): Promise<void>;
  cancel(clientOrderId: string): Promise<void>;
  /** Undefined when the venue has never heard of the order. */
  queryOrder(clientOrderId: string): Promise<VenueOrderRecord | undefined>;
  queryOpenOrders(instrumentId?: string): Promise<VenueOrderRecord[]>;
  /** Fills at or after `since` (epoch ms), of every order of this account. */
  queryFillsSince(since: number): Promise<VenueFill[]>;
}

/**
 * Whether an order call failed without saying if the venue got it. Such an order must not be reported rejected:
 * the venue may be working it, and execution's in-flight query finds out which.
 */
export function outcomeUnknown(error: unknown): boolean {
  return error instanceof VenueError && error.code === 'VENUE_TIMEOUT';
}

/** Whether a failure says something about the venue's health (what a circuit breaker counts), not about a request. */
export function countsAgainstVenue(error: unknown): boolean {
  return !(error instanceof FoxtrotError) || error.recoverable;
}

/** The reason a venue event carries for a call that failed: its code first, so that it can be read as data. */
export function reasonOf(error: unknown): string {
  const code = error instanceof FoxtrotError ? error.code : 'VENUE_UNAVAILABLE';
  const unavailable = code === 'CIRCUIT_OPEN' || code === 'VENUE_DISCONNECTED';
  return `${unavailable ? 'VENUE_UNAVAILABLE' : code}: ${describeError(error)}`;
}
