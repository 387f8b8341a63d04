/**
 * The store's layout: sub-databases and the keys in them. Keys are arrays (lmdb-js orders them element by
 * element), so a stream's records read back in sequence and a view's ranges are prefixes.
 */
export const SCHEMA_VERSION = 3;

/** The sub-databases; each holds framed records (see record-codec) unless said otherwise. */
export const DB = {
  /** `schemaVersion`, `createdAt`, `incarnation` (starts so far), `instruments`: plain msgpack values. */
  meta: 'meta',
  /** [actorId] -> the actor's saved state (machine snapshot, timers, endpoint progress). */
  actors: 'actors',
  /** [stream, seq] -> JournalRecord. */
  journal: 'journal',
  /**
   * stream -> last seq (plain msgpack numbers), for streams compacted from the front (actors' inputs), whose last
   * record may be gone; any other stream's head is its last key in the journal.
   */
  streams: 'streams',
  /** clientOrderId -> the seq of its stream's last record (whose data holds the order: see views' orderOf). */
  orders: 'orders',
  /** clientOrderId -> true, for orders that are not closed. */
  openOrders: 'open-orders',
  /** [status, instrumentId, clientOrderId] -> true. */
  ordersByStatus: 'orders-by-status',
  /** [clientOrderId, seq] -> true: the fill is record seq of the order's stream (see views' fillsOf). */
  fills: 'fills',
  /** [at, clientOrderId, seq] -> true. */
  fillsByTime: 'fills-by-time',
  /** positionId -> position record (a netting account has one position per instrument). */
  positions: 'positions',
  /** currency -> balance record. */
  accounts: 'accounts',
} as const;

export type DbName = (typeof DB)[keyof typeof DB];

/** Streams and their owners: one actor writes each stream. */
export const STREAM = {
  order: (clientOrderId: string) => `order:${clientOrderId}`,
  position: (positionId: string) => `position:${positionId}`,
  account: (currency: string) => `account:${currency}`,
  tradingState: 'trading-state',
  /** Risk events other than trading state changes (limits breached, throttles). */
  risk: 'risk',
  /** The messages a replayable actor handled since its last snapshot (see ActorDefinition.replayable). */
  actorInputs: (actorId: string) => `actor:${actorId}`,
} as const;

/** A journal record as stored under [stream, seq]. */
export interface JournalRecord {
  seq: number;
  type: string;
  /** The writer's clock when it was journaled (ms). */
  at: number;
  actor: string;
  data: unknown;
}

export interface FillView {
  clientOrderId: string;
  instrumentId: string;
  side: string;
  tradeId: string;
  quantity: string;
  price: string;
  commission?: string;
  at: number;
}
