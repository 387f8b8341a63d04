import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { riskProtocol } from '../../actors/risk/protocol.ts';
import { type ActorStart, ActorSystem, siblingModule } from '../../src/index.ts';
import { btcOrder, btcSpec } from '../fixtures/instruments.ts';
import { recorderModule, recorderProtocol } from '../fixtures/recorder.ts';
import { waitFor } from '../support/system.ts';

const riskModule = siblingModule('../../actors/risk/worker', import.meta.url);

const btc = btcSpec;

for (const placement of ['worker', 'inline'] as const) {
  describe(`risk engine actor (${placement})`, () => {
    let system: ActorSystem;
    const order = btcOrder;

    beforeAll(async () => {
      const start: ActorStart = {
        actor: { module: riskModule, export: 'riskActor' },
        placement,
        input: {
          instruments: [btc],
          limits: { maxNotionalPerOrder: '50000', dailyLossLimit: '1000' },
          executionId: 'recorder',
          eventSinks: ['recorder'],
        },
      };
      system = await ActorSystem.start({
        id: 'risk-test',
        flags: { strategy: 'one_for_one' },
        children: [
          { id: 'recorder', start: { actor: { module: recorderModule, export: 'recorderActor' } } },
          { id: 'risk', start },
        ],
      });
      system.ref('risk', riskProtocol).tell('balance', { currency: 'USDT', free: '100000' });
    });
    afterAll(() => system.stop());

    const recorded = () => system.ref('recorder', recorderProtocol).ask('recorded', {});

    it('approves a valid order and routes it to execution', async () => {
      const risk = system.ref('risk', riskProtocol);
      await expect(risk.ask('submit', { order: order('ok-1') })).resolves.toEqual({
        clientOrderId: 'ok-1',
        approved: true,
      });
      const seen = await waitFor(async () => {
        const all = await recorded();
        return all.some((m) => m.type === 'submitOrder') ? all : undefined;
      });
      expect(seen.find((m) => m.type === 'submitOrder')?.payload).toMatchObject({
        order: { clientOrderId: 'ok-1' },
      });
    });

    it('denies with a reason code, tells execution and the sinks, and never routes the order', async () => {
      const risk = system.ref('risk', riskProtocol);
      await expect(risk.ask('submit', { order: order('big', { quantity: '3' }) })).resolves.toMatchObject({
        approved: false,
        reason: 'NOTIONAL_ABOVE_ORDER_MAX',
      });
      await expect(risk.ask('submit', { order: order('ok-1') })).resolves.toMatchObject({
        reason: 'DUPLICATE_ORDER',
      });
      const seen = await waitFor(async () => {
        const all = await recorded();
        return all.filter((m) => m.type === 'orderDenied').length >= 2 ? all : undefined;
      });
      const routed = seen
        .filter((m) => m.type === 'submitOrder')
        .map((m) => (m.payload as { order: { clientOrderId: string } }).order.clientOrderId);
      expect(routed).toEqual(['ok-1']);
      expect(
        seen.some((m) => m.type === 'riskEvent' && (m.payload as { event: string }).event === 'OrderDenied'),
      ).toBe(true);
    });

    it('halts: submits denied, cancels still pass, and the change is an event', async () => {
      const risk = system.ref('risk', riskProtocol);
      risk.tell('setTradingState', { state: 'HALTED', reason: 'test' });
      await expect(risk.ask('status', {})).resolves.toMatchObject({ tradingState: 'HALTED' });
      await expect(risk.ask('submit', { order: order('h-1') })).resolves.toMatchObject({
        reason: 'TRADING_HALTED',
      });
      risk.tell('cancel', { clientOrderId: 'ok-1' });
      const seen = await waitFor(async () => {
        const all = await recorded();
        return all.some((m) => m.type === 'cancelOrder') ? all : undefined;
      });
      expect(
        seen.some((m) => m.type === 'riskEvent' && JSON.stringify(m.payload).includes('"state":"HALTED"')),
      ).toBe(true);
      risk.tell('setTradingState', { state: 'ACTIVE', reason: 'test over' });
    });

    it('switches to REDUCING when the daily loss limit is breached', async () => {
      const risk = system.ref('risk', riskProtocol);
      risk.tell('dailyPnl', { pnl: '-999.99' });
      await expect(risk.ask('status', {})).resolves.toMatchObject({ tradingState: 'ACTIVE' });
      risk.tell('dailyPnl', { pnl: '-1000.01' });
      await expect(risk.ask('status', {})).resolves.toMatchObject({ tradingState: 'REDUCING' });
      await expect(risk.ask('submit', { order: order('r-1') })).resolves.toMatchObject({
        reason: 'TRADING_REDUCING',
      });
    });

    it('refuses a malformed order at the boundary, with the field named', async () => {
      const unchecked = system.ref('risk');
      await expect(unchecked.ask('submit', { order: { ...order('bad'), quantity: 'NaN' } })).rejects.toThrow(
        /refused 'submit'.*\/order\/quantity/,
      );
    });
  });
}
