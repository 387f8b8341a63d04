import type { StrategyFactory } from '../../actors/strategy-host/strategy.ts';

/**
 * The tick-to-order bench's strategy: one order per quote, priced far from the market so that nothing fills and
 * every order takes the same path (risk, execution, venue).
 */
const orderPerTick: StrategyFactory = (params) => {
  const instrumentId = String(params.instrumentId);
  return {
    subscriptions: [{ instrumentId, quotes: true }],
    onTick(tick, ctx) {
      if (tick.kind !== 'quote') return;
      ctx.submit({ instrumentId, side: 'BUY', type: 'LIMIT', quantity: '0.001', price: '1.00' });
    },
  };
};

export default orderPerTick;
