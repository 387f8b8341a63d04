import type { Static } from '@sinclair/typebox';
import { canTransition, isClosed, ORDER_STATUSES, type OrderStatus } from '../../src/domain/order-status.ts';
import type { ExternalOrder } from '../execution/orders.ts';
import type { VenueOrderEventSchema } from '../execution/protocol.ts';
import type { VenueFill, VenueOrderRecord } from './venue-client.ts';

export type VenueOrderEvent = Static<typeof VenueOrderEventSchema>;

export interface OrderReport {
  clientOrderId: string;
  event: VenueOrderEvent;
}

/**
 * What execution believes about an order: its status at least (a query from execution carries little more), the
 * whole order when execution was asked for its open orders.
 */
export interface Belief {
  clientOrderId: string;
  status?: string;
  statusBeforePending?: string;
  tradeIds?: string[];
}

const statusOf = (text: string | undefined): OrderStatus | undefined =>
  ORDER_STATUSES.includes(text as OrderStatus) ? (text as OrderStatus) : undefined;

/**
 * The venue events that bring execution's belief about one order to what the venue's record says, in an order
 * execution's status table takes: a pending modify or cancel is answered first (a fill would end the pending
 * status, and the answer would then be refused), then the acknowledgement execution missed, then fills, then a
 * cancel (a cancel after fills, since fills may follow a cancel but the order must show them all). Fills execution
 * already has are left out when the belief lists its trade ids, and are harmless otherwise: execution ignores a
 * trade id it has applied.
 *
 * Execution's table cannot return an order from PENDING_UPDATE to SUBMITTED: for a modify sent before the venue
 * acknowledged the order, the acknowledgement is reported and the venue's new quantity and price are not.
 */
export function reconcileOrder(belief: Belief, record: VenueOrderRecord | undefined): VenueOrderEvent[] {
  const status = statusOf(belief.status);
  if (record === undefined) {
    // Never acknowledged and unknown there: the venue never took it, whatever was asked of it since (a cancel
    // sent after the lost submit found nothing to cancel). An order the venue took may have been forgotten since
    // it closed: nothing is concluded about it.
    const neverAcknowledged =
      status === 'SUBMITTED' ||
      ((status === 'PENDING_CANCEL' || status === 'PENDING_UPDATE') &&
        belief.statusBeforePending === 'SUBMITTED');
    return neverAcknowledged ? [{ type: 'Rejected', reason: 'unknown to the venue' }] : [];
  }
  if (record.status === 'REJECTED') {
    return status !== undefined && canTransition(status, 'REJECTED')
      ? [{ type: 'Rejected', reason: 'rejected by the venue' }]
      : [];
  }
  const events: VenueOrderEvent[] = [];
  // What the order will stand at once the pending request is answered; undefined when execution did not say.
  let standing = status;
  if (status === 'PENDING_UPDATE' || status === 'PENDING_CANCEL') {
    standing = statusOf(belief.statusBeforePending);
    if (standing === 'SUBMITTED') {
      // The venue has the order, so it took it; the pending request is answered by what follows.
      if (status === 'PENDING_CANCEL' && record.status === 'OPEN') {
        events.push({ type: 'CancelRejected', reason: 'the venue still has the order open' });
      }
    } else if (status === 'PENDING_UPDATE') {
      events.push({
        type: 'Updated',
        quantity: record.quantity,
        ...(record.price === undefined ? {} : { price: record.price }),
      });
    } else if (record.status === 'OPEN') {
      events.push({ type: 'CancelRejected', reason: 'the venue still has the order open' });
    }
  }
  if (standing === 'SUBMITTED') events.push({ type: 'Accepted', venueOrderId: record.venueOrderId });
  const known = new Set(belief.tradeIds ?? []);
  for (const fill of record.fills) {
    if (known.has(fill.tradeId)) continue;
    events.push({
      type: 'Filled',
      tradeId: fill.tradeId,
      quantity: fill.quantity,
      price: fill.price,
      commission: fill.commission,
    });
  }
  if (record.status === 'CANCELED' && !(status !== undefined && isClosed(status))) {
    events.push({ type: 'Canceled' });
  }
  return events;
}

export interface SessionFacts {
  /** Execution's open orders at this venue. */
  believed: Belief[];
  /** The venue's records of those orders and of its own open ones. */
  records: VenueOrderRecord[];
  /** Believed orders the venue says it has never heard of. */
  notFound: string[];
  /** The venue's fills since shortly before the last fill seen. */
  fills: VenueFill[];
}

/**
 * What a session that ended may have hidden: each believed order is brought to the venue's record, and the
 * venue's fills of orders that are no longer open (filled or canceled while the session was down) are reported
 * too. A believed order whose record could not be had is left alone: nothing is concluded from a missing answer.
 */
export function reconcileSession(facts: SessionFacts): OrderReport[] {
  const records = new Map(facts.records.map((record) => [record.clientOrderId, record]));
  const notFound = new Set(facts.notFound);
  const reports: OrderReport[] = [];
  const reported = new Set<string>();
  for (const belief of facts.believed) {
    const record = records.get(belief.clientOrderId);
    if (record === undefined && !notFound.has(belief.clientOrderId)) continue;
    for (const tradeId of belief.tradeIds ?? []) reported.add(tradeId);
    for (const event of reconcileOrder(belief, record)) {
      reports.push({ clientOrderId: belief.clientOrderId, event });
      if (event.type === 'Filled') reported.add(event.tradeId);
    }
  }
  const fills = [...facts.fills].sort((a, b) => a.at - b.at);
  for (const fill of fills) {
    if (reported.has(fill.tradeId)) continue;
    reported.add(fill.tradeId);
    reports.push({
      clientOrderId: fill.clientOrderId,
      event: {
        type: 'Filled',
        tradeId: fill.tradeId,
        quantity: fill.quantity,
        price: fill.price,
        commission: fill.commission,
      },
    });
  }
  return reports;
}

/**
 * The venue's open orders that execution did not list as its own: orders the node does not know (sent by another
 * client of the account, or lost with a store), for execution to adopt as external orders. Execution leaves alone
 * any it does know (one it holds as closed, say).
 */
export function externalOrders(facts: SessionFacts): ExternalOrder[] {
  const believed = new Set(facts.believed.map((belief) => belief.clientOrderId));
  return facts.records
    .filter((record) => record.status === 'OPEN' && !believed.has(record.clientOrderId))
    .map((record) => ({
      clientOrderId: record.clientOrderId,
      venueOrderId: record.venueOrderId,
      instrumentId: record.instrumentId,
      side: record.side,
      quantity: record.quantity,
      ...(record.price === undefined ? {} : { price: record.price }),
      fills: record.fills.map(({ tradeId, quantity, price, commission }) => ({
        tradeId,
        quantity,
        price,
        commission,
      })),
    }));
}
