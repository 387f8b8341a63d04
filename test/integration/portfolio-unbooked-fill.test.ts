import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portfolioProtocol } from '../../actors/portfolio/protocol.ts';
import { riskProtocol } from '../../actors/risk/protocol.ts';
import { ActorSystem } from '../../src/index.ts';
import { btcOrder, btcSpec } from '../fixtures/instruments.ts';
import { coreActor, waitFor } from '../support/system.ts';

const actor = (name: string, exportName: string, input: unknown) =>
  coreActor(name, exportName, input, 'inline');

describe('a fill the portfolio cannot book', () => {
  let system: ActorSystem;
  beforeAll(async () => {
    system = await ActorSystem.start({
      id: 'unbooked',
      flags: { strategy: 'one_for_one' },
      children: [
        { id: 'portfolio', start: actor('portfolio', 'portfolioActor', { instruments: [btcSpec] }) },
        { id: 'risk', start: actor('risk', 'riskActor', { instruments: [btcSpec] }) },
      ],
    });
    system.ref('portfolio', portfolioProtocol).tell('deposit', { currency: 'USDT', amount: '100000' });
  });
  afterAll(() => system.stop());

  it('halts trading with the fill and the reason, while a message it cannot apply otherwise only logs', async () => {
    const risk = system.ref('risk', riskProtocol);
    const portfolio = system.ref('portfolio', portfolioProtocol);
    const unknown = {
      clientOrderId: 'eth-1',
      instrumentId: 'ETHUSDT.SIM',
      side: 'BUY' as const,
      quantity: '1',
      filledQuantity: '0',
      status: 'ACCEPTED',
    };
    portfolio.tell('orderEvent', { order: unknown, event: { type: 'Accepted' } });
    await portfolio.ask('snapshot', {});
    expect((await risk.ask('status', {})).tradingState).toBe('ACTIVE');

    portfolio.tell('fill', {
      order: { ...unknown, filledQuantity: '1', status: 'FILLED' },
      fill: { type: 'Filled', tradeId: 't-eth-1', quantity: '1', price: '2000' },
    });
    await waitFor(async () => (await risk.ask('status', {})).tradingState === 'HALTED', 5000);
    const decision = await risk.ask('submit', { order: btcOrder('after-unbooked') });
    expect(decision).toMatchObject({ approved: false, reason: 'TRADING_HALTED' });
    expect(decision.message).toContain(
      'the portfolio could not book fill t-eth-1 of eth-1: instrument ETHUSDT.SIM is not known to the portfolio',
    );
  });
});
