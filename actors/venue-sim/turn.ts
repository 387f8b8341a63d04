import { Chance } from './chance.ts';
import type { MatchingEngine, VenueEvent, VenueReport } from './matching-engine.ts';
import type { Emission, VenueContext } from './venue-state.ts';

/**
 * What one message does to the venue, in the making: a shallow copy of the context whose nested records (books,
 * sessions, owners, pending) are changed in place, as order flow must not copy them, the dice for this message,
 * and what it sends. `finish` turns it into the machine's next context.
 */
export interface Turn {
  context: VenueContext;
  chance: Chance;
  out: Emission[];
  now: number;
  /** The trace context of the order request this turn handles (submit, modify, cancel), if it carried one. */
  trace?: string;
}

export function beginTurn(context: VenueContext, time: number, trace?: string): Turn {
  const now = Math.max(context.now, time);
  return {
    context: { ...context, now },
    chance: new Chance(context.rng),
    out: [],
    now,
    ...(trace === undefined ? {} : { trace }),
  };
}

export function finish(turn: Turn): VenueContext {
  const rng = turn.chance.state();
  return { ...turn.context, outbox: turn.out, ...(rng === undefined ? {} : { rng }) };
}

/** Sends to a client now, if it still has a session: a venue has no one to tell once a session is gone. */
export function push(turn: Turn, to: string, type: string, payload: unknown, traceparent?: string): void {
  if (turn.context.sessions[to] === undefined) return;
  turn.out.push(traceparent === undefined ? { to, type, payload } : { to, type, payload, traceparent });
}

const DROPPABLE = new Set<VenueEvent['type']>(['Accepted', 'Canceled', 'Updated']);

/**
 * Reports an order event to a client: at once, or when the simulated latency has passed. Reports leave in the
 * order they were made (a due time never comes before the last one queued), so a fill never overtakes its ack.
 */
export function report(turn: Turn, to: string, clientOrderId: string, event: VenueEvent): void {
  const { latency, faults, pending } = turn.context;
  if (DROPPABLE.has(event.type) && turn.chance.hits(faults.dropAckRate)) return;
  if (event.type === 'Filled') turn.context.fills += 1;
  const delay = event.type === 'Filled' ? latency.fillMs : latency.ackMs;
  const payload = { clientOrderId, event };
  const traceparent = turn.trace ?? turn.context.traces?.[clientOrderId];
  if (delay <= 0 && pending.length === 0) {
    push(turn, to, 'venueReport', payload, traceparent);
    return;
  }
  const last = pending[pending.length - 1];
  const due = Math.max(turn.now + delay, last?.due ?? 0);
  pending.push(traceparent === undefined ? { due, to, payload } : { due, to, payload, traceparent });
}

/**
 * Sends an engine's reports to the clients of their orders (the requester's for a new order) and keeps the owner
 * of every order that stays open, for the fills a later market move brings.
 */
export function route(turn: Turn, engine: MatchingEngine, reports: VenueReport[], requester?: string): void {
  const owners = turn.context.owners;
  turn.context.traces ??= {};
  const traces = turn.context.traces;
  for (const { clientOrderId, event } of reports) {
    const to = owners[clientOrderId] ?? requester;
    if (to === undefined) continue;
    report(turn, to, clientOrderId, event);
    if (engine.order(clientOrderId)?.status === 'OPEN') {
      owners[clientOrderId] = to;
      if (traces[clientOrderId] === undefined && turn.trace !== undefined) traces[clientOrderId] = turn.trace;
    } else {
      delete owners[clientOrderId];
      delete traces[clientOrderId];
    }
  }
}
