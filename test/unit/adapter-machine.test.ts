import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock, sendParent } from 'xstate';
import { type ConnectionState, connectionMachine } from '../../actors/adapters/connection-machine.ts';
import { adapterMachine } from '../../actors/adapters/machine.ts';
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
    const { actor, reports, calls } = start();
    actor.send({ type: 'submit', payload: { order: btcOrder('o-1') }, meta });
    actor.send({ type: 'modify', payload: { clientOrderId: 'o-1', price: '1.00' }, meta });
    actor.send({ type: 'cancel', payload: { clientOrderId: 'o-1' }, meta });
    expect(calls).toEqual([]);
    expect(reports.map((report) => report.event)).toEqual([
      { type: 'Rejected', reason: 'VENUE_UNAVAILABLE: venue SIM is connecting' },
      { type: 'ModifyRejected', reason: 'VENUE_UNAVAILABLE: venue SIM is connecting' },
      { type: 'CancelRejected', reason: 'VENUE_UNAVAILABLE: venue SIM is connecting' },
    ]);
  });

  it('neither refuses nor sends again a submit handed over again after a restart: the venue is asked', async () => {
    const { actor, reports, calls } = start();
    const again = { ...meta, redelivered: true } as MessageMeta;
    // Not connected: the next session's reconciliation settles it (it may be at the venue already).
    actor.send({ type: 'submit', payload: { order: btcOrder('o-1') }, meta: again });
    expect(reports).toEqual([]);
    expect(calls).toEqual([]);
    await settle();
    expect(actor.getSnapshot().context.connection).toBe('connected');
    calls.length = 0;
    actor.send({ type: 'submit', payload: { order: btcOrder('o-2') }, meta: again });
    expect(calls).toEqual([
      { kind: 'queryOrder', clientOrderId: 'o-2', belief: { clientOrderId: 'o-2', status: 'SUBMITTED' } },
    ]);
    // A cancel handed over again is sent again: cancelling twice changes nothing at the venue.
    actor.send({ type: 'cancel', payload: { clientOrderId: 'o-2' }, meta: again });
    expect(calls[1]).toEqual({ kind: 'cancel', clientOrderId: 'o-2' });
    expect(reports).toEqual([]);
  });

  it('routes orders once connected; reports a failed call as refused unless its outcome is unknown', async () => {
    const { actor, reports, calls } = start();
    await settle();
    expect(actor.getSnapshot().context.connection).toBe('connected');
    actor.send({
      type: 'submit',
      payload: { order: { ...btcOrder('o-1'), status: 'SUBMITTED' } as never },
      meta,
    });
    expect(calls).toEqual([{ kind: 'submit', clientOrderId: 'o-1', order: btcOrder('o-1') }]);
    const call = calls[0] as VenueCall;
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
