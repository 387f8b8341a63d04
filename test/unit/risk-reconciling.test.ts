import { describe, expect, it } from 'vitest';
import type { RiskDecision, RiskInput } from '../../actors/risk/machine.ts';
import { riskActor } from '../../actors/risk/worker.ts';
import { ActorCell, type PersistedActorState } from '../../src/runtime/actor-cell.ts';
import { createEnvelope } from '../../src/runtime/envelope.ts';
import { silentIO } from '../../src/runtime/silent-io.ts';
import { btcOrder, btcSpec } from '../fixtures/instruments.ts';

let n = 0;
const send = (risk: ActorCell, type: string, payload: unknown) => {
  n += 1;
  const envelope = createEnvelope('test', 'risk', type, payload, {
    timestamp: 1_000 + n,
    correlationId: `c${n}`,
  });
  expect(risk.deliver(envelope)).toEqual({ ok: true });
};

/** The risk engine in a cell of this thread, as a worker hosts it; `saved` restores it (a restart). */
function start(input: RiskInput, saved?: PersistedActorState) {
  const risk = new ActorCell(riskActor, {
    id: 'risk',
    io: silentIO('risk'),
    input: { instruments: [btcSpec], ...input },
    // A restored actor changes its context in place, as a worker's decoded copy: give each its own.
    ...(saved === undefined ? {} : { restored: structuredClone(saved) }),
  });
  send(risk, 'balance', { currency: 'USDT', free: '1000000' });
  return risk;
}

const view = (risk: ActorCell) =>
  risk.view() as { value: unknown; context: { lastDecision?: RiskDecision; stateReason?: string } };

const submit = (risk: ActorCell, id: string) => {
  send(risk, 'submit', { order: btcOrder(id) });
  return view(risk).context.lastDecision;
};

describe('risk at a node start: no order passes until the venues are reconciled', () => {
  it('denies every order, naming the venue and why, until its adapter reports a reconciliation', () => {
    const risk = start({ venues: ['SIM'], bootId: 'boot-1' });
    expect(submit(risk, 'a')).toMatchObject({
      approved: false,
      reason: 'TRADING_HALTED',
      message: expect.stringContaining('SIM (not yet reconciled since the node started)'),
    });
    send(risk, 'venueUnreconciled', { venue: 'SIM', reason: 'reconciliation failed 1 time(s): timeout' });
    expect(submit(risk, 'b')?.message).toContain('SIM (reconciliation failed 1 time(s): timeout)');
    send(risk, 'venueReconciled', { venue: 'SIM' });
    expect(submit(risk, 'c')).toMatchObject({ approved: true });
    // Later sessions' reconciliations (and failures) change nothing: the gate is for the node's start.
    send(risk, 'venueUnreconciled', { venue: 'SIM', reason: 'later' });
    expect(submit(risk, 'd')).toMatchObject({ approved: true });
  });

  it("waits for the store's check too when asked, and only a passed check lets orders through", () => {
    const risk = start({ venues: ['SIM'], storeCheck: true, bootId: 'boot-1' });
    send(risk, 'venueReconciled', { venue: 'SIM' });
    expect(submit(risk, 'a')).toMatchObject({
      approved: false,
      reason: 'TRADING_HALTED',
      message: expect.stringContaining('the store (the store is being checked)'),
    });
    send(risk, 'storeChecked', {});
    expect(submit(risk, 'b')).toMatchObject({ approved: true });
    // A new start checks the store again; an actor's own restart keeps what this start found.
    const saved = risk.persistedState();
    const sameBoot = start({ venues: ['SIM'], storeCheck: true, bootId: 'boot-1' }, saved);
    expect(submit(sameBoot, 'c')).toMatchObject({ approved: true });
    const nextBoot = start({ venues: [], storeCheck: true, bootId: 'boot-2' }, saved);
    expect(submit(nextBoot, 'd')?.message).toContain('the store is being checked');
  });

  it('waits again when restored by a new start of the node, not when only the actor restarted', () => {
    const risk = start({ venues: ['SIM'], bootId: 'boot-1' });
    send(risk, 'venueReconciled', { venue: 'SIM' });
    const saved = risk.persistedState();
    const sameBoot = start({ venues: ['SIM'], bootId: 'boot-1' }, saved);
    expect(submit(sameBoot, 'e')).toMatchObject({ approved: true });
    const nextBoot = start({ venues: ['SIM'], bootId: 'boot-2' }, saved);
    expect(submit(nextBoot, 'f')).toMatchObject({ approved: false, reason: 'TRADING_HALTED' });
  });

  it("returns to the state before a stop's HALTED at the next start, and keeps a HALTED a person set", () => {
    const risk = start({ venues: [], bootId: 'boot-1' });
    send(risk, 'setTradingState', { state: 'REDUCING', reason: 'by hand' });
    send(risk, 'setTradingState', { state: 'HALTED', reason: 'node stopping', untilRestart: true });
    expect(view(risk).value).toBe('HALTED');
    expect(submit(risk, 'x')?.message).toBe('trading is halted (node stopping): no submits or modifies');
    const restarted = start({ venues: [], bootId: 'boot-2' }, risk.persistedState());
    expect(view(restarted).value).toBe('REDUCING');
    expect(view(restarted).context.stateReason).toBeUndefined();

    send(restarted, 'setTradingState', { state: 'HALTED', reason: 'by hand' });
    const again = start({ venues: [], bootId: 'boot-3' }, restarted.persistedState());
    expect(view(again).value).toBe('HALTED');
    expect(submit(again, 'y')?.message).toBe('trading is halted (by hand): no submits or modifies');
  });
});
