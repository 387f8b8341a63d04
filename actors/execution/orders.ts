import { parseInstrumentId } from '../../src/domain/identifiers.ts';
import { type InstrumentSpec, instrumentOf } from '../../src/domain/instrument.ts';
import {
  applyOrderEvent,
  createOrder,
  type Order,
  type OrderEvent,
  type OrderRequest,
  requestOf,
} from '../../src/domain/order.ts';
import { isClosed, type OrderStatus } from '../../src/domain/order-status.ts';
import type { OrderType } from '../../src/domain/order-types.ts';
import { rememberRecent } from '../../src/domain/recent-ids.ts';
import { DEFAULT_NATIVE_TYPES, type EmulatedOrder, onTick, type PriceTick } from './emulation.ts';

/** What execution tells others after handling a message: computed here, sent by the actor's effects. */
export type Emission =
  | {
      kind: 'venue';
      venue: string;
      type: 'submit' | 'modify' | 'cancel' | 'queryOrder';
      payload: Record<string, unknown>;
    }
  /** An order event applied (or refused, with the order unchanged): to its strategy, the portfolio, the sinks. */
  | {
      kind: 'orderEvent';
      order: Order;
      event: OrderEvent | { type: 'Refused'; reason: string; refused: string };
    }
  /** The order can no longer fill: risk stops counting it as open. */
  | { kind: 'closed'; clientOrderId: string }
  /** A message execution could not act on (an unknown order, an unknown instrument): nothing changed. */
  | { kind: 'problem'; clientOrderId: string; reason: string };

/** An order sent to a venue and not yet answered: since when, and how often the venue was asked about it. */
export interface InFlight {
  status: OrderStatus;
  since: number;
  queries: number;
  /** Set once the venue has left every query unanswered and that was reported. */
  givenUp?: true;
}

export interface OrderBookSettings {
  /** Venue name to the order types it takes natively; the others are emulated here. */
  nativeTypes: Record<string, OrderType[]>;
  /** How long an order may wait for its venue's answer before the venue is asked about it. */
  inFlightTimeoutMs: number;
  /** After this many unanswered queries, the order is reported as a problem (once) and asked about no more. */
  maxQueries: number;
  /** Closed orders kept for late fills and queries; older ones are forgotten (the journal keeps them all). */
  closedRetention: number;
}

/**
 * The records are updated in place: order flow must not copy the whole book per order. The machine's assign makes
 * a new context object, which is what marks the state as changed.
 */
export interface OrderBookState extends OrderBookSettings {
  orders: Record<string, Order>;
  instruments: Record<string, InstrumentSpec>;
  emulated: Record<string, EmulatedOrder>;
  /** Emulated orders released to their venue, whose venue acknowledgement is expected and not an event. */
  released: Record<string, true>;
  inFlight: Record<string, InFlight>;
  closedQueue: string[];
  /** Running totals since start, for the node's status line. */
  counts: OrderCounts;
}

export interface OrderCounts {
  orders: number;
  fills: number;
  denied: number;
  rejected: number;
}

const IN_FLIGHT: ReadonlySet<OrderStatus> = new Set(['SUBMITTED', 'PENDING_UPDATE', 'PENDING_CANCEL']);

export function emptyBook(settings: OrderBookSettings, instruments: InstrumentSpec[] = []): OrderBookState {
  return {
    ...settings,
    orders: {},
    instruments: Object.fromEntries(instruments.map((spec) => [spec.id, spec])),
    emulated: {},
    released: {},
    inFlight: {},
    closedQueue: [],
    counts: { orders: 0, fills: 0, denied: 0, rejected: 0 },
  };
}

/**
 * Records the order's new state: in-flight tracking follows its status, and closed orders beyond retention go.
 * `isNew`: the caller has just found no order by this id, so neither it nor an in-flight entry is looked up again
 * (with many open orders, each lookup of a new id in these records is a large part of a submit).
 */
function put(state: OrderBookState, order: Order, now: number, isNew = false): void {
  const id = order.clientOrderId;
  const before = isNew ? undefined : state.orders[id];
  state.orders[id] = order;
  count(state.counts, before, order);
  if (IN_FLIGHT.has(order.status)) {
    if (isNew || state.inFlight[id]?.status !== order.status)
      state.inFlight[id] = { status: order.status, since: now, queries: 0 };
  } else if (!isNew && state.inFlight[id] !== undefined) {
    delete state.inFlight[id];
  }
  if (isClosed(order.status) && (before === undefined || !isClosed(before.status))) {
    delete state.emulated[id];
    delete state.released[id];
    rememberRecent(state.closedQueue, id, state.closedRetention, (old) => {
      delete state.orders[old];
    });
  }
}

function count(counts: OrderCounts, before: Order | undefined, after: Order): void {
  if (before === undefined) counts.orders += 1;
  const filled =
    before === undefined
      ? /[1-9]/.test(after.filledQuantity)
      : after.filledQuantity !== before.filledQuantity;
  if (filled) counts.fills += 1;
  if (after.status !== before?.status) {
    if (after.status === 'DENIED') counts.denied += 1;
    else if (after.status === 'REJECTED') counts.rejected += 1;
  }
}

function venueOf(order: Pick<Order, 'instrumentId'>): string {
  return parseInstrumentId(order.instrumentId).venue;
}

function refused(order: Order, event: string, reason: string): Emission {
  return { kind: 'orderEvent', order, event: { type: 'Refused', reason, refused: event } };
}

/** Applies an event the table must allow (execution's own steps); returns the emission that reports it. */
function step(
  state: OrderBookState,
  order: Order,
  event: OrderEvent,
  now: number,
  isNew = false,
): [Order, Emission] {
  const result = applyOrderEvent(order, event);
  if (result.outcome !== 'applied') throw new Error(result.reason);
  put(state, result.order, now, isNew);
  return [result.order, { kind: 'orderEvent', order: result.order, event }];
}

function isNative(state: OrderBookState, order: Order): boolean {
  if (order.type === 'MARKET' || order.type === 'LIMIT') return true;
  const native = state.nativeTypes[venueOf(order)] ?? DEFAULT_NATIVE_TYPES;
  return native.includes(order.type);
}

/**
 * An approved order: created and SUBMITTED, then sent to its venue; or, when its venue lacks the order type,
 * ACCEPTED here and held until the market triggers it (see emulation.ts).
 */
export function submit(state: OrderBookState, request: OrderRequest, now: number): Emission[] {
  const spec = state.instruments[request.instrumentId];
  const existing = state.orders[request.clientOrderId];
  if (existing !== undefined) {
    return [refused(existing, 'Submitted', `order ${request.clientOrderId} exists already`)];
  }
  if (spec === undefined) throw new Error(`instrument ${request.instrumentId} is not known to execution`);
  const [submitted, reported] = step(
    state,
    createOrder(request, instrumentOf(spec), now),
    { type: 'Submitted' },
    now,
    true,
  );
  if (isNative(state, submitted)) {
    return [
      { kind: 'venue', venue: venueOf(submitted), type: 'submit', payload: { order: requestOf(submitted) } },
      reported,
    ];
  }
  state.emulated[submitted.clientOrderId] = { instrumentId: submitted.instrumentId };
  const [, accepted] = step(state, submitted, { type: 'Accepted' }, now);
  return [reported, accepted];
}

/** The order as asked, unchecked: what is kept of a denied order whose request may be malformed. */
function rawOrder(request: OrderRequest): Order {
  return {
    clientOrderId: request.clientOrderId,
    strategyId: request.strategyId,
    instrumentId: request.instrumentId,
    side: request.side,
    type: request.type,
    quantity: request.quantity,
    timeInForce: request.timeInForce ?? 'GTC',
    postOnly: request.postOnly ?? false,
    reduceOnly: request.reduceOnly ?? false,
    status: 'INITIALIZED',
    filledQuantity: '0',
    filledNotional: '0',
    tradeIds: [],
  };
}

/** A denied order is recorded as DENIED and its strategy told; it never goes to a venue. */
export function deny(state: OrderBookState, request: OrderRequest, reason: string, now: number): Emission[] {
  const spec = state.instruments[request.instrumentId];
  let order: Order;
  try {
    order = spec === undefined ? rawOrder(request) : createOrder(request, instrumentOf(spec), now);
  } catch {
    // A denied order may be malformed (that may be why it was denied): keep it as asked.
    order = rawOrder(request);
  }
  const denied = applyOrderEvent(order, { type: 'Denied', reason }).order;
  put(state, denied, now);
  return [{ kind: 'orderEvent', order: denied, event: { type: 'Denied', reason } }];
}

export interface ModifyFields {
  quantity?: string;
  price?: string;
  triggerPrice?: string;
}

/**
 * A modify or cancel: the order goes pending and the venue is asked. An emulated order that has not been released
 * is changed here at once, since no venue has it.
 */
export function requestChange(
  state: OrderBookState,
  clientOrderId: string,
  change: 'modify' | 'cancel',
  fields: ModifyFields,
  now: number,
): Emission[] {
  const order = state.orders[clientOrderId];
  if (order === undefined) throw new Error(`no order ${clientOrderId} to ${change}`);
  const pendingEvent = change === 'modify' ? 'PendingUpdate' : 'PendingCancel';
  const result = applyOrderEvent(order, { type: pendingEvent });
  if (result.outcome !== 'applied') return [refused(order, change, result.reason)];
  put(state, result.order, now);
  const pending: Emission = { kind: 'orderEvent', order: result.order, event: { type: pendingEvent } };
  if (state.emulated[clientOrderId] !== undefined) {
    const done: OrderEvent = change === 'modify' ? { type: 'Updated', ...fields } : { type: 'Canceled' };
    const [changed, reported] = step(state, result.order, done, now);
    const emitted: Emission[] = [pending, reported];
    if (isClosed(changed.status)) emitted.push({ kind: 'closed', clientOrderId });
    return emitted;
  }
  return [
    {
      kind: 'venue',
      venue: venueOf(order),
      type: change,
      payload: { clientOrderId, ...fields },
    },
    pending,
  ];
}

/** A venue's report about an order, applied by the order's state table. */
export function applyVenueEvent(
  state: OrderBookState,
  clientOrderId: string,
  event: OrderEvent,
  now: number,
): Emission[] {
  const order = state.orders[clientOrderId];
  if (order === undefined) throw new Error(`venue reported ${event.type} for unknown order ${clientOrderId}`);
  if (event.type === 'Accepted' && state.released[clientOrderId] !== undefined) {
    // The venue acknowledges an order emulated here and released: the order was ACCEPTED (then TRIGGERED) already.
    delete state.released[clientOrderId];
    if (event.venueOrderId !== undefined) put(state, { ...order, venueOrderId: event.venueOrderId }, now);
    return [];
  }
  const result = applyOrderEvent(order, event);
  if (result.outcome === 'ignored') return [];
  if (result.outcome === 'refused') {
    // A fill refused (beyond the quantity execution knows, say after a modify whose acknowledgement was lost)
    // means the venue and execution disagree about the order: its record settles it now, not at the in-flight
    // check (the answer brings what execution missed, then the fill again).
    const out = [refused(order, event.type, result.reason)];
    if (event.type === 'Filled') out.push(queryOf(order));
    return out;
  }
  put(state, result.order, now);
  const emissions: Emission[] = [{ kind: 'orderEvent', order: result.order, event }];
  if (isClosed(result.order.status) && !isClosed(order.status)) {
    emissions.push({ kind: 'closed', clientOrderId });
  }
  // A venue refuses a cancel or a modify most often because the order is no longer open there (filled or
  // cancelled, its report lost or still on the way): the order goes back to its prior status here, so ask the
  // venue where it really stands rather than hold it open for ever.
  if (event.type === 'CancelRejected' || event.type === 'ModifyRejected')
    emissions.push(queryOf(result.order));
  return emissions;
}

/** Asks an order's venue about it, saying what execution believes, so the adapter can tell what is news. */
function queryOf(order: Order): Emission {
  return {
    kind: 'venue',
    venue: venueOf(order),
    type: 'queryOrder',
    payload: {
      clientOrderId: order.clientOrderId,
      instrumentId: order.instrumentId,
      status: order.status,
      ...(order.statusBeforePending === undefined ? {} : { statusBeforePending: order.statusBeforePending }),
      quantity: order.quantity,
      ...(order.price === undefined ? {} : { price: order.price }),
    },
  };
}

/** The strategy id of orders execution adopted from a venue rather than sent: no strategy is told of them. */
export const EXTERNAL_STRATEGY = 'external';

export interface ExternalOrder {
  clientOrderId: string;
  venueOrderId?: string;
  instrumentId: string;
  side: 'BUY' | 'SELL';
  quantity: string;
  price?: string;
  fills: Array<{ tradeId: string; quantity: string; price: string; commission?: string }>;
}

/**
 * An open order the venue has and execution does not (sent by another client of the account, or before a store
 * was lost): recorded as an external order, ACCEPTED with the fills the venue reports, so that positions and
 * balances account for it. An order execution knows already is left as it is.
 */
export function adopt(state: OrderBookState, external: ExternalOrder, now: number): Emission[] {
  if (state.orders[external.clientOrderId] !== undefined) return [];
  const spec = state.instruments[external.instrumentId];
  if (spec === undefined) throw new Error(`instrument ${external.instrumentId} is not known to execution`);
  const request: OrderRequest = {
    clientOrderId: external.clientOrderId,
    strategyId: EXTERNAL_STRATEGY,
    instrumentId: external.instrumentId,
    side: external.side,
    type: external.price === undefined ? 'MARKET' : 'LIMIT',
    quantity: external.quantity,
    ...(external.price === undefined ? {} : { price: external.price }),
    timeInForce: 'GTC',
  };
  let [order, reported] = step(
    state,
    createOrder(request, instrumentOf(spec), now),
    {
      type: 'Accepted',
      ...(external.venueOrderId === undefined ? {} : { venueOrderId: external.venueOrderId }),
    },
    now,
  );
  const emissions: Emission[] = [reported];
  for (const fill of external.fills) {
    [order, reported] = step(state, order, { type: 'Filled', ...fill }, now);
    emissions.push(reported);
  }
  return emissions;
}

/** Whether a tick would change any emulated order: the fast path asks this before waking the machine. */
export function tickMatters(state: OrderBookState, tick: PriceTick): boolean {
  for (const id in state.emulated) {
    const emulated = state.emulated[id] as EmulatedOrder;
    const order = state.orders[id];
    if (emulated.instrumentId !== tick.instrumentId || order === undefined) continue;
    if (onTick(order, emulated, tick).kind !== 'none') return true;
  }
  return false;
}

/** A tick: trailing triggers follow it, and emulated orders it triggers are released to their venue. */
export function applyTick(state: OrderBookState, tick: PriceTick, now: number): Emission[] {
  const emissions: Emission[] = [];
  for (const id in state.emulated) {
    const emulated = state.emulated[id] as EmulatedOrder;
    const order = state.orders[id];
    if (emulated.instrumentId !== tick.instrumentId || order === undefined) continue;
    const outcome = onTick(order, emulated, tick);
    if (outcome.kind === 'trail') {
      emulated.trailingTrigger = outcome.trigger;
    } else if (outcome.kind === 'release') {
      let current = order;
      if (order.type !== 'MARKET_TO_LIMIT') {
        const [triggered, reported] = step(state, order, { type: 'Triggered' }, now);
        current = triggered;
        emissions.push(reported);
      }
      delete state.emulated[id];
      state.released[id] = true;
      emissions.push({
        kind: 'venue',
        venue: venueOf(current),
        type: 'submit',
        payload: { order: { ...outcome.release, status: current.status } },
      });
    }
  }
  return emissions;
}

/**
 * The periodic sweep: an order that waited longer than the timeout for its venue's answer is asked about (the
 * venue's answer comes back as venue events); emulated GTD orders whose time has passed expire.
 */
export function sweep(state: OrderBookState, now: number): Emission[] {
  const emissions: Emission[] = [];
  for (const id in state.inFlight) {
    const entry = state.inFlight[id] as InFlight;
    const order = state.orders[id];
    if (order === undefined || entry.givenUp || now - entry.since < state.inFlightTimeoutMs) continue;
    if (entry.queries >= state.maxQueries) {
      entry.givenUp = true;
      emissions.push({
        kind: 'problem',
        clientOrderId: id,
        reason: `venue ${venueOf(order)} has not answered about ${order.status} order ${id} after ${entry.queries} queries`,
      });
      continue;
    }
    entry.queries += 1;
    entry.since = now;
    emissions.push(queryOf(order));
  }
  for (const id in state.emulated) {
    const order = state.orders[id];
    if (order?.timeInForce !== 'GTD' || order.expireTime === undefined || order.expireTime > now) continue;
    const [, reported] = step(state, order, { type: 'Expired' }, now);
    emissions.push(reported, { kind: 'closed', clientOrderId: id });
  }
  return emissions;
}
