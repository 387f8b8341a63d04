import { assign, sendTo, setup } from 'xstate';
import { requestOf } from '../../src/domain/order.ts';
import type { ProtocolEvent } from '../../src/index.ts';
import type { ExponentialBackoff } from '../../src/resilience/backoff.ts';
import type { ExternalOrder } from '../execution/orders.ts';
import { type ConnectionInput, type ConnectionState, connectionMachine } from './connection-machine.ts';
import type { adapterProtocol } from './protocol.ts';
import {
  externalOrders,
  type OrderReport,
  reconcileOrder,
  reconcileSession,
  type SessionFacts,
} from './reconcile.ts';
import type { CallResult, VenueCall } from './venue-calls.ts';

export interface AdapterInput {
  venue: string;
  /** The venue's actor id. Default `venue-<venue>`. */
  venueActorId?: string;
  executionId?: string;
  marketDataId?: string;
  /** Told when a session is reconciled (or why it is not): it halts trading until the first one is. */
  riskId?: string;
  backoff?: ExponentialBackoff;
  /** Failed connection attempts in a row before the adapter stops trying (until it is restarted). */
  maxAttempts?: number;
  breaker?: BreakerSettings;
  /** How long a question to the venue may go unanswered. */
  callTimeoutMs?: number;
  /** How far before the last fill seen fills are asked for after a reconnect, as fills may be stamped late. */
  fillMarginMs?: number;
  /** Seeds the reconnect jitter. */
  seed?: number;
  /**
   * Instruments to subscribe to from the start. A node lists its venue's instruments here, so that an adapter
   * that restarts fresh (it does not persist: its session cannot be restored) subscribes again by itself.
   */
  subscriptions?: string[];
}

export interface BreakerSettings {
  failureThreshold: number;
  resetTimeoutMs: number;
}

export interface AdapterContext {
  venue: string;
  venueActorId: string;
  executionId: string;
  marketDataId: string;
  riskId: string | undefined;
  connectionSettings: ConnectionInput;
  breaker: BreakerSettings;
  callTimeoutMs: number;
  fillMarginMs: number;
  connection: ConnectionState;
  /** Instruments market data asked for, subscribed again on every new session. */
  subscriptions: string[];
  sessions: number;
  /** When the last fill seen happened; before any, when the first session began. */
  lastFillAt: number | undefined;
  failedCalls: number;
  /** Failed attempts in a row to reconcile the current session. */
  reconcileAttempts: number;
}

/** A session whose reconciliation failed (execution restarting, the venue slow) is tried again this often. */
const RECONCILE_RETRY_MS = 1000;
const RECONCILE_ATTEMPTS = 10;
const RECONCILE_RETRY_ID = 'reconcile-retry';

type OrderCall = Extract<VenueCall, { kind: 'submit' | 'modify' | 'cancel' }>;

/** What the adapter's own effects tell its machine: never messages from other actors. */
export type AdapterInternalEvent =
  | { type: 'adapter.start' }
  | { type: 'connection.changed'; state: ConnectionState; at: number }
  | { type: 'call.done'; call: VenueCall; result: CallResult }
  | { type: 'call.failed'; call: VenueCall; reason: string; outcomeUnknown: boolean }
  | { type: 'fill.seen'; at: number }
  | { type: 'session.reconciled'; facts: SessionFacts }
  /** The new session could not be reconciled (the venue or execution did not answer): tried again later. */
  | ({ type: 'session.unreconciled'; reason: string } & ReconcileParams)
  | ({ type: 'session.retry' } & ReconcileParams);

/** Which venue fills a reconciliation looks at: since a time, and whether only those of orders execution holds open. */
export interface ReconcileParams {
  since: number;
  believedOnly: boolean;
}

export type AdapterEvent = ProtocolEvent<typeof adapterProtocol> | AdapterInternalEvent;

/** An order from execution. */
export type OrderMessage = Extract<AdapterEvent, { type: 'submit' | 'modify' | 'cancel' }>;

export const isOrderCall = (call: VenueCall): call is OrderCall =>
  call.kind === 'submit' || call.kind === 'modify' || call.kind === 'cancel';

/** The venue event that tells execution an order call failed for sure. */
function refusal(call: OrderCall, reason: string): OrderReport {
  const type = { submit: 'Rejected', modify: 'ModifyRejected', cancel: 'CancelRejected' } as const;
  return { clientOrderId: call.clientOrderId, event: { type: type[call.kind], reason } };
}

function orderCallOf(event: OrderMessage): OrderCall {
  switch (event.type) {
    case 'submit': {
      const order = requestOf(event.payload.order);
      return { kind: 'submit', clientOrderId: order.clientOrderId, order };
    }
    case 'modify':
      return { kind: 'modify', clientOrderId: event.payload.clientOrderId, change: event.payload };
    case 'cancel':
      return { kind: 'cancel', clientOrderId: event.payload.clientOrderId };
  }
}

const adapterSetup = setup({
  types: {
    context: {} as AdapterContext,
    events: {} as AdapterEvent,
    input: {} as AdapterInput,
  },
  actors: { connection: connectionMachine },
  actions: {
    call: (_, _params: { call: VenueCall }) => undefined,
    report: (_, _params: { reports: OrderReport[] }) => undefined,
    reconcile: (_, _params: ReconcileParams) => undefined,
    /** Tells risk whether the venue is reconciled (or why not). */
    notifyRisk: (_, _params: { reason?: string }) => undefined,
    /** Hands execution the venue's open orders it did not know, to adopt. */
    adopt: (_, _params: { orders: ExternalOrder[] }) => undefined,
    answerStatus: () => undefined,
    /** Makes the venue client the effects hold, from the settings in the context. */
    configure: () => undefined,
  },
});

/** What becomes of an order from execution: a call to the venue, a refusal reported at once, or nothing yet. */
export type Routing = { call: VenueCall } | { refusal: OrderReport } | undefined;

/**
 * An order from execution: to the venue while connected, refused at once (for sure, so reported) while not. A
 * submit handed over again after this adapter restarted may have reached the venue through the incarnation that
 * died: sent again, the venue would refuse it as a duplicate, and refused here, execution would take an order the
 * venue is working for rejected (and lose its fills). So the venue is asked about it instead, and its answer settles
 * it (an order it does not know is rejected as such); while not connected, the next session's reconciliation does.
 * Orders come at order rate: the worker's fast handlers route them with this, with no transition each.
 */
export function routeOrder(context: AdapterContext, event: OrderMessage): Routing {
  const call = orderCallOf(event);
  if (event.type === 'submit' && event.meta.redelivered) {
    if (context.connection !== 'connected') return undefined;
    const belief = { clientOrderId: call.clientOrderId, status: 'SUBMITTED' };
    return { call: { kind: 'queryOrder', clientOrderId: call.clientOrderId, belief } };
  }
  if (context.connection === 'connected') return { call };
  return { refusal: refusal(call, `VENUE_UNAVAILABLE: venue ${context.venue} is ${context.connection}`) };
}

const sessionBegan = adapterSetup.enqueueActions(({ context, event, enqueue }) => {
  if (event.type !== 'connection.changed') return;
  const sessions = context.sessions + 1;
  const lastFillAt = context.lastFillAt ?? event.at;
  enqueue.assign({ connection: event.state, sessions, lastFillAt, reconcileAttempts: 0 });
  for (const instrumentId of context.subscriptions) {
    enqueue({ type: 'call', params: { call: { kind: 'subscribe', instrumentId } } });
  }
  // Reports sent while the last session was going down may never have arrived: ask for what they would have said.
  // A first session is reconciled too: this adapter may be a fresh incarnation after a crash (it does not
  // persist), and the reports sent while it was down went nowhere. With no last fill to go by, it looks at every
  // fill the venue still has, but only for the orders execution holds open: the rest is history execution has.
  const params: ReconcileParams =
    sessions > 1
      ? { since: Math.max(0, lastFillAt - context.fillMarginMs), believedOnly: false }
      : { since: 0, believedOnly: true };
  enqueue({ type: 'reconcile', params });
});

const callFailed = adapterSetup.enqueueActions(({ context, event, enqueue }) => {
  if (event.type !== 'call.failed') return;
  enqueue.assign({ failedCalls: context.failedCalls + 1 });
  // A call whose outcome is unknown (it may have reached the venue) is not refused: the venue may be working the
  // order. Execution asks about orders left unanswered (queryOrder), and the venue's answer settles it.
  if (isOrderCall(event.call) && !event.outcomeUnknown) {
    enqueue({ type: 'report', params: { reports: [refusal(event.call, event.reason)] } });
  }
});

const callDone = adapterSetup.enqueueActions(({ event, enqueue }) => {
  if (event.type !== 'call.done') return;
  if (event.call.kind === 'queryOrder' && event.result.kind === 'queryOrder') {
    const { clientOrderId, belief } = event.call;
    const reports = reconcileOrder(belief, event.result.record).map((venueEvent) => ({
      clientOrderId,
      event: venueEvent,
    }));
    if (reports.length > 0) enqueue({ type: 'report', params: { reports } });
  }
});

/**
 * Reconciliation that failed is tried again while the session lasts: until it succeeds, fills and cancels the
 * adapter missed stay missed (execution only asks about orders in flight).
 */
const sessionUnreconciled = adapterSetup.enqueueActions(({ context, event, enqueue }) => {
  if (event.type !== 'session.unreconciled') return;
  const attempts = context.reconcileAttempts + 1;
  enqueue.assign({ failedCalls: context.failedCalls + 1, reconcileAttempts: attempts });
  enqueue({
    type: 'notifyRisk',
    params: { reason: `reconciliation failed ${attempts} time(s): ${event.reason}` },
  });
  if (attempts < RECONCILE_ATTEMPTS) {
    enqueue.raise(
      { type: 'session.retry', since: event.since, believedOnly: event.believedOnly },
      { id: RECONCILE_RETRY_ID, delay: RECONCILE_RETRY_MS },
    );
  }
});

const sessionRetry = adapterSetup.enqueueActions(({ context, event, enqueue }) => {
  if (event.type !== 'session.retry' || context.connection !== 'connected') return;
  enqueue({ type: 'reconcile', params: { since: event.since, believedOnly: event.believedOnly } });
});

const sessionReconciled = adapterSetup.enqueueActions(({ context, event, enqueue }) => {
  if (event.type !== 'session.reconciled') return;
  const orders = externalOrders(event.facts);
  if (orders.length > 0) enqueue({ type: 'adopt', params: { orders } });
  const reports = reconcileSession(event.facts);
  if (reports.length > 0) enqueue({ type: 'report', params: { reports } });
  enqueue({ type: 'notifyRisk', params: {} });
  const latest = event.facts.fills.reduce((last, fill) => Math.max(last, fill.at), context.lastFillAt ?? 0);
  enqueue.cancel(RECONCILE_RETRY_ID);
  enqueue.assign({ lastFillAt: latest, reconcileAttempts: 0 });
});

/**
 * A venue adapter. Its connection is a child (the connection machine: backoff with seeded jitter). Orders from
 * execution go to the venue while connected and are refused at once while not (`routeOrder`, which the worker's
 * fast handlers run, with no transition per order); the venue's answers become
 * execution's venue events; every session is reconciled with what execution believes, since reports may have
 * been lost with the last one (or, for a first session, while this adapter was down). The machine does no I/O: `call`, `report`, `reconcile` and
 * `answerStatus` are its definition's effects, and what they learn comes back as the internal events above. Ticks
 * and order reports do not wake it (worker.ts forwards them), except fills, whose time it keeps.
 */
export const adapterMachine = adapterSetup.createMachine({
  id: 'adapter',
  context: ({ input }) => ({
    venue: input.venue,
    venueActorId: input.venueActorId ?? `venue-${input.venue}`,
    executionId: input.executionId ?? 'execution',
    riskId: input.riskId,
    marketDataId: input.marketDataId ?? 'market-data',
    connectionSettings: {
      venue: input.venue,
      ...(input.backoff === undefined ? {} : { backoff: input.backoff }),
      ...(input.maxAttempts === undefined ? {} : { maxAttempts: input.maxAttempts }),
      ...(input.seed === undefined ? {} : { seed: input.seed }),
    },
    breaker: input.breaker ?? { failureThreshold: 5, resetTimeoutMs: 5000 },
    callTimeoutMs: input.callTimeoutMs ?? 2000,
    fillMarginMs: input.fillMarginMs ?? 1000,
    connection: 'disconnected',
    subscriptions: [...new Set(input.subscriptions ?? [])],
    sessions: 0,
    lastFillAt: undefined,
    failedCalls: 0,
    reconcileAttempts: 0,
  }),
  invoke: { id: 'connection', src: 'connection', input: ({ context }) => context.connectionSettings },
  // Raised, not sent from entry: the connection child is spawned after the entry actions run.
  entry: ['configure', adapterSetup.raise({ type: 'adapter.start' })],
  on: {
    'adapter.start': { actions: adapterSetup.sendTo('connection', { type: 'connect' }) },
    'connection.changed': [
      {
        guard: ({ event }) => event.type === 'connection.changed' && event.state === 'connected',
        actions: sessionBegan,
      },
      { actions: assign({ connection: ({ event }) => event.state }) },
    ],
    sessionClosed: {
      actions: sendTo('connection', ({ event }) => ({ type: 'lost' as const, reason: event.payload.reason })),
    },
    subscribe: {
      actions: adapterSetup.enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'subscribe') return;
        const { instrumentId } = event.payload;
        if (!context.subscriptions.includes(instrumentId)) {
          enqueue.assign({ subscriptions: [...context.subscriptions, instrumentId] });
        }
        if (context.connection === 'connected') {
          enqueue({ type: 'call', params: { call: { kind: 'subscribe', instrumentId } } });
        }
      }),
    },
    queryOrder: {
      // Asked while disconnected, it waits: execution asks again, and a new session is reconciled anyway.
      guard: ({ context }) => context.connection === 'connected',
      actions: adapterSetup.enqueueActions(({ event, enqueue }) => {
        if (event.type !== 'queryOrder') return;
        const { clientOrderId, status, statusBeforePending } = event.payload;
        const belief = {
          clientOrderId,
          ...(status === undefined ? {} : { status }),
          ...(statusBeforePending === undefined ? {} : { statusBeforePending }),
        };
        enqueue({ type: 'call', params: { call: { kind: 'queryOrder', clientOrderId, belief } } });
      }),
    },
    'call.done': { actions: callDone },
    'call.failed': { actions: callFailed },
    'fill.seen': {
      actions: assign({ lastFillAt: ({ context, event }) => Math.max(context.lastFillAt ?? 0, event.at) }),
    },
    'session.reconciled': { actions: sessionReconciled },
    'session.unreconciled': { actions: sessionUnreconciled },
    'session.retry': { actions: sessionRetry },
    status: { actions: 'answerStatus' },
  },
});
