import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionProtocol } from '../../actors/execution/protocol.ts';
import { portfolioProtocol } from '../../actors/portfolio/protocol.ts';
import { riskProtocol } from '../../actors/risk/protocol.ts';
import { Decimal } from '../../src/domain/decimal.ts';
import { ActorSystem } from '../../src/index.ts';
import { btcOrder, btcSpec } from '../fixtures/instruments.ts';
import { recorderModule, recorderProtocol } from '../fixtures/recorder.ts';
import { coreActor, waitFor } from '../support/system.ts';

/** Equal as decimals, whatever the number of trailing zeros. */
const same = (a: string | undefined, b: string) => a !== undefined && Decimal.parse(a).eq(Decimal.parse(b));

const btc = btcSpec;

const order = btcOrder;

for (const placement of ['worker', 'inline'] as const) {
  describe(`risk -> execution -> venue (${placement})`, () => {
    let system: ActorSystem;
    const actor = (name: string, exportName: string, input: unknown) =>
      coreActor(name, exportName, input, placement);

    beforeAll(async () => {
      system = await ActorSystem.start({
        id: 'pipeline',
        flags: { strategy: 'one_for_one' },
        children: [
          { id: 'venue-SIM', start: { actor: { module: recorderModule, export: 'recorderActor' } } },
          { id: 'events', start: { actor: { module: recorderModule, export: 'recorderActor' } } },
          {
            id: 'execution',
            start: actor('execution', 'executionActor', {
              instruments: [btc],
              orderEventSinks: ['events'],
              portfolioId: 'portfolio',
              notifyStrategies: false,
            }),
          },
          { id: 'portfolio', start: actor('portfolio', 'portfolioActor', { instruments: [btc] }) },
          {
            id: 'risk',
            start: actor('risk', 'riskActor', {
              instruments: [btc],
              limits: { maxNotionalPerOrder: '50000' },
            }),
          },
        ],
      });
      system.ref('risk', riskProtocol).tell('balance', { currency: 'USDT', free: '100000' });
      system.ref('portfolio', portfolioProtocol).tell('deposit', { currency: 'USDT', amount: '100000' });
    });
    afterAll(() => system.stop());

    const risk = () => system.ref('risk', riskProtocol);
    const execution = () => system.ref('execution', executionProtocol);
    const statusOf = async (id: string) => {
      const reply = await execution().ask('order', { clientOrderId: id });
      return reply.found ? (reply.order as { status: string; filledQuantity: string }) : undefined;
    };
    const eventsSeen = () => system.ref('events', recorderProtocol).ask('recorded', {});
    const venueSeen = () => system.ref('venue-SIM', recorderProtocol).ask('recorded', {});

    it('runs a whole lifecycle: submit, accept, partial fill, fill; risk stops counting the order as open', async () => {
      await expect(risk().ask('submit', { order: order('o1') })).resolves.toMatchObject({ approved: true });
      await waitFor(async () => (await statusOf('o1'))?.status === 'SUBMITTED');
      const venue = await waitFor(async () =>
        (await venueSeen()).some((m) => m.type === 'submit') ? venueSeen() : undefined,
      );
      // The venue gets the order's request, not execution's record of it (status, fills).
      const sent = venue.find((m) => m.type === 'submit')?.payload as { order: Record<string, unknown> };
      expect(sent.order).toMatchObject({ clientOrderId: 'o1', timeInForce: 'GTC' });
      expect(sent.order).not.toHaveProperty('status');
      const report = (event: Record<string, unknown>) =>
        execution().tell('venueEvent', { clientOrderId: 'o1', event: event as never });
      report({ type: 'Accepted', venueOrderId: 'v-1' });
      report({ type: 'Filled', tradeId: 't1', quantity: '0.4', price: '20000.00' });
      report({ type: 'Filled', tradeId: 't1', quantity: '0.4', price: '20000.00' });
      await waitFor(async () => (await statusOf('o1'))?.status === 'PARTIALLY_FILLED');
      expect((await statusOf('o1'))?.filledQuantity).toBe('0.400');
      report({ type: 'Filled', tradeId: 't2', quantity: '0.6', price: '19999.50' });
      await waitFor(async () => (await statusOf('o1'))?.status === 'FILLED');
      await waitFor(
        async () => (await risk().ask('status', {})).openOrders === 0,
        5000,
        'risk to count no open order',
      );
      const types = await waitFor(async () => {
        const seen = (await eventsSeen()).filter((m) => m.type === 'orderEvent');
        return seen.length >= 4
          ? seen.map((m) => (m.payload as { event: { type: string } }).event.type)
          : undefined;
      });
      expect(types).toEqual(['Submitted', 'Accepted', 'Filled', 'Filled']);

      // 0.4 at 20000.00 and 0.6 at 19999.50: 1 BTC at an average of 19999.70, paid from USDT, nothing left locked.
      const portfolio = system.ref('portfolio', portfolioProtocol);
      portfolio.tell('mark', { instrumentId: 'BTCUSDT.SIM', price: '20100.00' });
      const snapshot = await waitFor(async () => {
        const s = await portfolio.ask('snapshot', {});
        return same(s.positions[0]?.quantity, '1') && s.positions[0]?.unrealizedPnl !== undefined
          ? s
          : undefined;
      });
      const position = snapshot.positions[0];
      expect(same(position?.averageOpenPrice, '19999.70')).toBe(true);
      expect(same(position?.unrealizedPnl, '100.30')).toBe(true);
      expect(same(snapshot.balances.USDT?.total, '80000.30')).toBe(true);
      expect(same(snapshot.balances.USDT?.locked, '0')).toBe(true);
      expect(same(snapshot.balances.BTC?.total, '1')).toBe(true);
    });

    it('locks what an open order may spend, and unlocks it when the order closes', async () => {
      const portfolio = system.ref('portfolio', portfolioProtocol);
      await risk().ask('submit', { order: order('lock-1', { quantity: '2', price: '10000.00' }) });
      await waitFor(async () => same((await portfolio.ask('snapshot', {})).balances.USDT?.locked, '20000'));
      await waitFor(async () => (await statusOf('lock-1'))?.status === 'SUBMITTED');
      execution().tell('venueEvent', {
        clientOrderId: 'lock-1',
        event: { type: 'Rejected', reason: 'venue says no' },
      });
      await waitFor(async () => same((await portfolio.ask('snapshot', {})).balances.USDT?.locked, '0'));
    });

    it('records a denied order as DENIED and never sends it to the venue', async () => {
      await expect(risk().ask('submit', { order: order('big', { quantity: '5' }) })).resolves.toMatchObject({
        reason: 'NOTIONAL_ABOVE_ORDER_MAX',
      });
      await waitFor(async () => (await statusOf('big'))?.status === 'DENIED');
      const sent = (await venueSeen())
        .filter((m) => m.type === 'submit')
        .map((m) => (m.payload as { order: { clientOrderId: string } }).order.clientOrderId);
      expect(sent).not.toContain('big');
    });

    it('returns an order whose cancel the venue rejects to its prior status, and takes late fills after a cancel', async () => {
      await risk().ask('submit', { order: order('o2') });
      await waitFor(async () => (await statusOf('o2'))?.status === 'SUBMITTED');
      execution().tell('venueEvent', { clientOrderId: 'o2', event: { type: 'Accepted' } });
      // The venue's report and the cancel come from different senders: nothing orders them but this wait.
      await waitFor(async () => (await statusOf('o2'))?.status === 'ACCEPTED');
      risk().tell('cancel', { clientOrderId: 'o2' });
      await waitFor(async () => (await statusOf('o2'))?.status === 'PENDING_CANCEL');
      execution().tell('venueEvent', {
        clientOrderId: 'o2',
        event: { type: 'CancelRejected', reason: 'too late' },
      });
      await waitFor(async () => (await statusOf('o2'))?.status === 'ACCEPTED');
      risk().tell('cancel', { clientOrderId: 'o2' });
      await waitFor(async () => (await statusOf('o2'))?.status === 'PENDING_CANCEL');
      execution().tell('venueEvent', { clientOrderId: 'o2', event: { type: 'Canceled' } });
      await waitFor(async () => (await statusOf('o2'))?.status === 'CANCELED');
      execution().tell('venueEvent', {
        clientOrderId: 'o2',
        event: { type: 'Filled', tradeId: 'late', quantity: '1', price: '20000.00' },
      });
      await waitFor(async () => (await statusOf('o2'))?.status === 'FILLED');
    });

    it('reports a cancel of an unknown order as a problem and changes nothing', async () => {
      const before = await execution().ask('openOrders', {});
      execution().tell('cancelOrder', { clientOrderId: 'nope' });
      const problems = await waitFor(async () => {
        const all = (await eventsSeen()).filter((m) => m.type === 'executionProblem');
        return all.length > 0 ? all : undefined;
      });
      expect(problems[0]?.payload).toMatchObject({
        clientOrderId: 'nope',
        reason: 'no order nope to cancel',
      });
      await expect(execution().ask('openOrders', {})).resolves.toEqual(before);
    });
  });
}
