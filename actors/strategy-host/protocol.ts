import { Type } from '@sinclair/typebox';
import { BarSchema, QuoteTickSchema, TradeTickSchema } from '../../src/domain/market-data.ts';
import { defineProtocol } from '../../src/index.ts';

/**
 * The strategy host's messages: market data from market data, order events from execution (execution sends them
 * to the order's `strategyId`, which is the host's actor id), position and balance changes from the portfolio.
 */
export const strategyHostProtocol = defineProtocol({
  messages: {
    quote: QuoteTickSchema,
    trade: TradeTickSchema,
    bar: BarSchema,
    orderEvent: Type.Object({
      order: Type.Object({ clientOrderId: Type.String(), status: Type.String() }),
      event: Type.Object({ type: Type.String() }),
    }),
    portfolioEvent: Type.Union([
      Type.Object({
        kind: Type.Literal('position'),
        instrumentId: Type.String(),
        positionId: Type.String(),
        quantity: Type.String(),
        positionQuantity: Type.String(),
      }),
      Type.Object({ kind: Type.Literal('balance'), currency: Type.String(), free: Type.String() }),
    ]),
    status: Type.Object({}),
  },
  replies: {
    status: Type.Object({
      strategyId: Type.String(),
      state: Type.String(),
      ticks: Type.Integer(),
      bars: Type.Integer(),
      ordersSubmitted: Type.Integer(),
      orderEvents: Type.Integer(),
      errors: Type.Integer(),
    }),
  },
});
