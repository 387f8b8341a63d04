import { parseInstrumentId } from '../../src/domain/identifiers.ts';
import type { CircuitBreaker } from '../../src/resilience/circuit-breaker.ts';
import { describeError } from '../../src/resilience/errors.ts';
import type { ReconcileParams } from './machine.ts';
import type { Belief, SessionFacts } from './reconcile.ts';
import type { VenueClient, VenueOrderRecord } from './venue-client.ts';

interface BelievedOrder extends Belief {
  instrumentId?: string;
}

/**
 * Execution's open orders at this venue, as beliefs. An execution that cannot say (it is restarting) fails the
 * reconciliation, which is tried again: taken for one that believes nothing, it would have every fill the venue
 * made for its orders filtered out of a first session, and every order open at the venue adopted as external.
 */
async function believedAt(venue: string, askExecution: () => Promise<unknown>): Promise<Belief[]> {
  const orders = await askExecution().catch((error: unknown) => {
    throw new Error(`execution did not say which orders it holds: ${describeError(error)}`);
  });
  if (!Array.isArray(orders))
    throw new Error('execution answered its open orders with something other than a list');
  return (orders as BelievedOrder[])
    .filter((order) => {
      try {
        return order.instrumentId !== undefined && parseInstrumentId(order.instrumentId).venue === venue;
      } catch {
        return false;
      }
    })
    .map(({ clientOrderId, status, statusBeforePending, tradeIds }) => ({
      clientOrderId,
      ...(status === undefined ? {} : { status }),
      ...(statusBeforePending === undefined ? {} : { statusBeforePending }),
      ...(tradeIds === undefined ? {} : { tradeIds }),
    }));
}

/**
 * What reconciling a new session needs: the venue's open orders and recent fills, execution's open orders, and the
 * venue's record of each believed order that is no longer open there (it filled, was canceled, or never arrived).
 * A believed order whose own query fails is left out of both lists, so that nothing is concluded about it.
 */
export async function collectSessionFacts(
  client: VenueClient,
  breaker: CircuitBreaker,
  { since, believedOnly }: ReconcileParams,
  askExecution: () => Promise<unknown>,
): Promise<SessionFacts> {
  const [open, allFills, believed] = await Promise.all([
    breaker.call(() => client.queryOpenOrders()),
    breaker.call(() => client.queryFillsSince(since)),
    believedAt(client.venue, askExecution),
  ]);
  const believedIds = new Set(believed.map((belief) => belief.clientOrderId));
  const fills = believedOnly ? allFills.filter((fill) => believedIds.has(fill.clientOrderId)) : allFills;
  const openIds = new Set(open.map((record) => record.clientOrderId));
  const missing = believed.filter((belief) => !openIds.has(belief.clientOrderId));
  const looked = await Promise.all(
    missing.map((belief) =>
      breaker
        .call(() => client.queryOrder(belief.clientOrderId))
        .then(
          (record) => ({ clientOrderId: belief.clientOrderId, record, answered: true }),
          () => ({ clientOrderId: belief.clientOrderId, record: undefined, answered: false }),
        ),
    ),
  );
  const records: VenueOrderRecord[] = [...open];
  const notFound: string[] = [];
  for (const lookup of looked) {
    if (lookup.record !== undefined) records.push(lookup.record);
    else if (lookup.answered) notFound.push(lookup.clientOrderId);
  }
  return { believed, records, notFound, fills };
}
