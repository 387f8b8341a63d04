import type { StrategyFactory } from '../../actors/strategy-host/strategy.ts';

/**
 * The tick-to-order bench's strategy: one order on every `every`-th quote it gets, a buy at the quote's bid, so
 * that the bench can tell which tick caused which order (the bench numbers its ticks through the bid). The venue
 * at the end is a sink: nothing fills, every order takes the same path through risk and execution.
 */
const orderPerTick: StrategyFactory = (params) => {
  const instrumentId = String(params.instrumentId);
  const every = Number(params.every ?? 1);
  if (!Number.isInteger(every) || every < 1)
    throw new Error(`every: expected a positive integer, got ${params.every}`);
  let seen = 0;
  return {
    subscriptions: [{ instrumentId, quotes: true }],
    onTick(tick, ctx) {
      if (tick.kind !== 'quote') return;
      seen += 1;
      if (seen % every !== 0) return;
      ctx.submit({ instrumentId, side: 'BUY', type: 'LIMIT', quantity: '0.001', price: tick.bid });
    },
  };
};

export default orderPerTick;
