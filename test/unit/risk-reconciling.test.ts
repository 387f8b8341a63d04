import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { type RiskEvent, type RiskInput, riskMachine } from '../../actors/risk/machine.ts';
import { btcOrder, btcSpec } from '../fixtures/instruments.ts';

let n = 0;
const meta = () => ({ id: `m${++n}`, from: 'test', timestamp: 1_000 + n, correlationId: `c${n}` });
const send = (actor: ReturnType<typeof start>, type: string, payload: unknown) =>
  actor.send({ type, payload, meta: meta() } as RiskEvent);

function start(input: RiskInput, snapshot?: unknown) {
  const actor = createActor(riskMachine, {
    input: { instruments: [btcSpec], ...input },
    ...(snapshot === undefined ? {} : { snapshot: snapshot as never }),
  });
  actor.start();
  send(actor, 'balance', { currency: 'USDT', free: '1000000' });
  return actor;
}

const submit = (actor: ReturnType<typeof start>, id: string) => {
  send(actor, 'submit', { order: btcOrder(id) });
  return actor.getSnapshot().context.lastDecision;
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
    const saved = risk.getPersistedSnapshot();
    const sameBoot = start({ venues: ['SIM'], storeCheck: true, bootId: 'boot-1' }, saved);
    sameBoot.send({ type: 'restored', input: { venues: ['SIM'], storeCheck: true, bootId: 'boot-1' } });
    expect(submit(sameBoot, 'c')).toMatchObject({ approved: true });
    const nextBoot = start({ venues: [], storeCheck: true, bootId: 'boot-2' }, saved);
    nextBoot.send({ type: 'restored', input: { venues: [], storeCheck: true, bootId: 'boot-2' } });
    expect(submit(nextBoot, 'd')?.message).toContain('the store is being checked');
  });

  it('waits again when restored by a new start of the node, not when only the actor restarted', () => {
    const risk = start({ venues: ['SIM'], bootId: 'boot-1' });
    send(risk, 'venueReconciled', { venue: 'SIM' });
    const saved = risk.getPersistedSnapshot();
    const sameBoot = start({ venues: ['SIM'], bootId: 'boot-1' }, saved);
    sameBoot.send({ type: 'restored', input: { venues: ['SIM'], bootId: 'boot-1' } });
    expect(submit(sameBoot, 'e')).toMatchObject({ approved: true });
    const nextBoot = start({ venues: ['SIM'], bootId: 'boot-2' }, saved);
    nextBoot.send({ type: 'restored', input: { venues: ['SIM'], bootId: 'boot-2' } });
    expect(submit(nextBoot, 'f')).toMatchObject({ approved: false, reason: 'TRADING_HALTED' });
  });

  it("returns to the state before a stop's HALTED at the next start, and keeps a HALTED a person set", () => {
    const risk = start({ venues: [], bootId: 'boot-1' });
    send(risk, 'setTradingState', { state: 'REDUCING', reason: 'by hand' });
    send(risk, 'setTradingState', { state: 'HALTED', reason: 'node stopping', untilRestart: true });
    expect(risk.getSnapshot().value).toBe('HALTED');
    expect(submit(risk, 'x')?.message).toBe('trading is halted (node stopping): no submits or modifies');
    const restarted = start({ venues: [], bootId: 'boot-2' }, risk.getPersistedSnapshot());
    restarted.send({ type: 'restored', input: { venues: [], bootId: 'boot-2' } });
    expect(restarted.getSnapshot().value).toBe('REDUCING');
    expect(restarted.getSnapshot().context.stateReason).toBeUndefined();

    send(restarted, 'setTradingState', { state: 'HALTED', reason: 'by hand' });
    const again = start({ venues: [], bootId: 'boot-3' }, restarted.getPersistedSnapshot());
    again.send({ type: 'restored', input: { venues: [], bootId: 'boot-3' } });
    expect(again.getSnapshot().value).toBe('HALTED');
    expect(submit(again, 'y')?.message).toBe('trading is halted (by hand): no submits or modifies');
  });
});
