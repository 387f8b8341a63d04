import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock, sendParent } from 'xstate';
import { type ConnectionState, connectionMachine } from '../../actors/adapters/connection-machine.ts';
import { adapterMachine, routeOrder } from '../../actors/adapters/machine.ts';
import type { OrderReport } from '../../actors/adapters/reconcile.ts';
import type { VenueCall } from '../../actors/adapters/venue-calls.ts';
import type { MessageMeta } from '../../src/index.ts';
import { btcOrder } from '../fixtures/instruments.ts';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const meta = { timestamp: 0 } as MessageMeta;

/** The adapter's machine with recording effects and a venue that always takes the connection. */
function start() {
  const clock = new SimulatedClock();
  const calls: VenueCall[] = [];
  const reports: OrderReport[] = [];
  const reconciles: number[] = [];
  const machine = adapterMachine.provide({
    actors: {
      connection: connectionMachine.provide({
        actors: { openConnection: fromPromise<void, { venue: string }>(async () => {}) },
        actions: {
          report: sendParent((_, params: { state: ConnectionState }) => ({
            type: 'connection.changed' as const,
            state: params.state,
            at: 5000 + clock.now(),
          })),
        },
      }),
    },
    actions: {
      call: (_, { call }) => {
        calls.push(call);
      },
      report: (_, params) => {
        reports.push(...params.reports);
      },
      reconcile: (_, { since }) => {
        reconciles.push(since);
      },
    },
  });
  const actor = createActor(machine, {
    clock,
    input: { venue: 'SIM', backoff: { minMs: 100, maxMs: 100, jitter: 0 }, fillMarginMs: 500 },
  });
  actor.start();
  return { actor, clock, calls, reports, reconciles };
}

describe('venue adapter machine', () => {
  it('refuses orders for sure while not connected, naming why', () => {
    const { actor } = start();
    const context = actor.getSnapshot().context;
    const routings = [
      routeOrder(context, { type: 'submit', payload: { order: btcOrder('o-1') }, meta }),
      routeOrder(context, { type: 'modify', payload: { clientOrderId: 'o-1', price: '1.00' }, meta }),
      routeOrder(context, { type: 'cancel', payload: { clientOrderId: 'o-1' }, meta }),
    ];
    expect(routings).toEqual([
      {
        refusal: {
          clientOrderId: 'o-1',
          event: { type: 'Rejected', reason: 'VENUE_UNAVAILABLE: venue SIM is connecting' },
        },
      },
      {
        refusal: {
          clientOrderId: 'o-1',
          event: { type: 'ModifyRejected', reason: 'VENUE_UNAVAILABLE: venue SIM is connecting' },
        },
      },
      {
        refusal: {
          clientOrderId: 'o-1',
          event: { type: 'CancelRejected', reason: 'VENUE_UNAVAILABLE: venue SIM is connecting' },
        },
      },
    ]);
  });

  it('neither refuses nor sends again a submit handed over again after a restart: the venue is asked', async () => {
    const { actor } = start();
    const again = { ...meta, redelivered: true } as MessageMeta;
    // Not connected: the next session's reconciliation settles it (it may be at the venue already).
    const submit = (id: string) => ({
      type: 'submit' as const,
      payload: { order: btcOrder(id) },
      meta: again,
    });
    expect(routeOrder(actor.getSnapshot().context, submit('o-1'))).toBeUndefined();
    await settle();
    const context = actor.getSnapshot().context;
    expect(context.connection).toBe('connected');
    expect(routeOrder(context, submit('o-2'))).toEqual({
      call: {
        kind: 'queryOrder',
        clientOrderId: 'o-2',
        belief: { clientOrderId: 'o-2', status: 'SUBMITTED' },
      },
    });
    // A cancel handed over again is sent again: cancelling twice changes nothing at the venue.
    expect(routeOrder(context, { type: 'cancel', payload: { clientOrderId: 'o-2' }, meta: again })).toEqual({
      call: { kind: 'cancel', clientOrderId: 'o-2' },
    });
  });

  it('routes orders once connected; reports a failed call as refused unless its outcome is unknown', async () => {
    const { actor, reports } = start();
    await settle();
    const context = actor.getSnapshot().context;
    expect(context.connection).toBe('connected');
    const routing = routeOrder(context, {
      type: 'submit',
      payload: { order: { ...btcOrder('o-1'), status: 'SUBMITTED' } as never },
      meta,
    });
    expect(routing).toEqual({ call: { kind: 'submit', clientOrderId: 'o-1', order: btcOrder('o-1') } });
    const call = (routing as { call: VenueCall }).call;
    actor.send({ type: 'call.failed', call, reason: 'VENUE_TIMEOUT: slow', outcomeUnknown: true });
    expect(reports).toEqual([]);
    actor.send({ type: 'call.failed', call, reason: 'VENUE_REJECTED: no', outcomeUnknown: false });
    expect(reports).toEqual([
      { clientOrderId: 'o-1', event: { type: 'Rejected', reason: 'VENUE_REJECTED: no' } },
    ]);
    expect(actor.getSnapshot().context.failedCalls).toBe(2);
  });

  it('tries a failed reconciliation again while the session lasts, and stops once it succeeds', async () => {
    const { actor, clock, reconciles } = start();
    await settle();
    expect(reconciles).toEqual([0]);
    actor.send({ type: 'session.unreconciled', reason: 'venue slow', since: 0, believedOnly: true });
    clock.increment(999);
    expect(reconciles).toEqual([0]);
    clock.increment(1);
    expect(reconciles).toEqual([0, 0]);
    // Fails again, then succeeds before the next try is due: that try never comes.
    actor.send({ type: 'session.unreconciled', reason: 'venue slow', since: 0, believedOnly: true });
    clock.increment(500);
    actor.send({ type: 'session.reconciled', facts: { believed: [], records: [], notFound: [], fills: [] } });
    clock.increment(5000);
    expect(reconciles).toEqual([0, 0]);
    expect(actor.getSnapshot().context).toMatchObject({ reconcileAttempts: 0, failedCalls: 2 });
  });

  it('reconciles its first session over every fill, and a later one from the last fill seen', async () => {
    const { actor, clock, calls, reconciles } = start();
    await settle();
    actor.send({ type: 'subscribe', payload: { instrumentId: 'BTCUSDT.SIM' }, meta });
    actor.send({ type: 'fill.seen', at: 9000 });
    actor.send({ type: 'sessionClosed', payload: { reason: 'dropped' }, meta });
    expect(actor.getSnapshot().context.connection).toBe('reconnecting');
    clock.increment(99);
    await settle();
    expect(actor.getSnapshot().context.connection).toBe('reconnecting');
    clock.increment(1);
    await settle();
    expect(actor.getSnapshot().context).toMatchObject({ connection: 'connected', sessions: 2 });
    expect(calls.filter((call) => call.kind === 'subscribe')).toHaveLength(2);
    // The first session: this incarnation may follow a crash, so it asks for everything the venue has.
    expect(reconciles).toEqual([0, 8500]);
  });
});
