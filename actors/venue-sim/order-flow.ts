import type { OrderRequest } from '../../src/domain/order.ts';
import { NATIVE_TYPES } from './matching-engine.ts';
import { report, route, type Turn } from './turn.ts';
import { engineHolding, engineOf } from './venue-state.ts';

/*
 * Sessions and order flow: what a client's messages do to the venue. Every outcome, good or bad, is a message to
 * the client; nothing here throws for bad input.
 */

export const SIMULATED_REJECT = 'SIMULATED_REJECT';

const native = new Set<string>(NATIVE_TYPES);

export function connect(turn: Turn, client: string): void {
  const context = turn.context;
  if (context.sessions[client] !== undefined) return;
  context.sessionsOpened += 1;
  context.sessions = { ...context.sessions, [client]: `${context.venue}-session-${context.sessionsOpened}` };
}

export function disconnect(turn: Turn, client: string): void {
  const { [client]: _gone, ...rest } = turn.context.sessions;
  turn.context.sessions = rest;
  const subscribers: Record<string, string[]> = {};
  for (const [instrumentId, clients] of Object.entries(turn.context.subscribers)) {
    subscribers[instrumentId] = clients.filter((id) => id !== client);
  }
  turn.context.subscribers = subscribers;
}

/** Drops every session, telling each client why. */
export function closeSessions(turn: Turn, reason: string): void {
  for (const client of Object.keys(turn.context.sessions)) {
    turn.out.push({ to: client, type: 'sessionClosed', payload: { reason } });
  }
  turn.context.sessions = {};
  turn.context.subscribers = {};
}

/** Whether the client may trade; one that may not is told its session is closed. */
function admitted(turn: Turn, client: string): boolean {
  if (turn.context.sessions[client] !== undefined) return true;
  turn.out.push({ to: client, type: 'sessionClosed', payload: { reason: 'not connected' } });
  return false;
}

export function subscribe(turn: Turn, client: string, instrumentId: string): void {
  if (!admitted(turn, client)) return;
  if (turn.context.instruments[instrumentId] === undefined) {
    turn.out.push({
      warn: `subscribe to an instrument venue ${turn.context.venue} does not list`,
      detail: { client, instrumentId },
    });
    return;
  }
  const current = turn.context.subscribers[instrumentId] ?? [];
  if (current.includes(client)) return;
  turn.context.subscribers = { ...turn.context.subscribers, [instrumentId]: [...current, client] };
}

/** Why the venue refuses a new order before matching it, if it does. */
function refusal(turn: Turn, order: OrderRequest): string | undefined {
  const { venue } = turn.context;
  if (turn.context.books[order.instrumentId] === undefined) {
    return `instrument ${order.instrumentId} is not listed on venue ${venue}`;
  }
  if (!native.has(order.type)) {
    return `order type ${order.type} is not supported by venue ${venue} (only ${NATIVE_TYPES.join(', ')})`;
  }
  if (engineHolding(turn.context, order.clientOrderId) !== undefined) {
    return `duplicate client order id ${order.clientOrderId}`;
  }
  return turn.chance.hits(turn.context.faults.rejectRate) ? SIMULATED_REJECT : undefined;
}

export function submit(turn: Turn, client: string, order: OrderRequest): void {
  if (!admitted(turn, client)) return;
  const reason = refusal(turn, order);
  const engine = engineOf(turn.context, order.instrumentId);
  if (reason !== undefined || engine === undefined) {
    report(turn, client, order.clientOrderId, { type: 'Rejected', reason: reason ?? 'no book' });
    return;
  }
  const reports = engine.submit(
    {
      clientOrderId: order.clientOrderId,
      side: order.side,
      type: order.type,
      quantity: order.quantity,
      ...(order.price === undefined ? {} : { price: order.price }),
      ...(order.timeInForce === undefined ? {} : { timeInForce: order.timeInForce }),
      ...(order.postOnly === undefined ? {} : { postOnly: order.postOnly }),
    },
    turn.now,
  );
  route(turn, engine, reports, client);
}

export function modify(
  turn: Turn,
  client: string,
  clientOrderId: string,
  change: { quantity?: string; price?: string },
): void {
  if (!admitted(turn, client)) return;
  const engine = engineHolding(turn.context, clientOrderId);
  if (engine === undefined) {
    report(turn, client, clientOrderId, { type: 'ModifyRejected', reason: 'unknown order' });
    return;
  }
  route(turn, engine, engine.modify(clientOrderId, change, turn.now), client);
}

export function cancel(turn: Turn, client: string, clientOrderId: string): void {
  if (!admitted(turn, client)) return;
  const engine = engineHolding(turn.context, clientOrderId);
  if (engine === undefined) {
    report(turn, client, clientOrderId, { type: 'CancelRejected', reason: 'unknown order' });
    return;
  }
  route(turn, engine, engine.cancel(clientOrderId, turn.now), client);
}
