import { Type } from '@sinclair/typebox';
import { InstrumentSpecSchema } from '../../src/domain/instrument.ts';
import { DecimalText } from '../../src/domain/schemas.ts';
import { defineProtocol } from '../../src/index.ts';

const OrderShape = Type.Object({
  clientOrderId: Type.String(),
  instrumentId: Type.String(),
  side: Type.Union([Type.Literal('BUY'), Type.Literal('SELL')]),
  quantity: DecimalText,
  filledQuantity: DecimalText,
  price: Type.Optional(DecimalText),
  status: Type.String(),
  positionId: Type.Optional(Type.String()),
});

/** The portfolio's messages: fills and order events from execution, marks from market data, deposits, queries. */
export const portfolioProtocol = defineProtocol({
  messages: {
    instrument: Type.Object({ spec: InstrumentSpecSchema }),
    deposit: Type.Object({ currency: Type.String({ minLength: 1 }), amount: DecimalText }),
    fill: Type.Object({
      order: OrderShape,
      fill: Type.Object({
        type: Type.Literal('Filled'),
        tradeId: Type.String(),
        quantity: DecimalText,
        price: DecimalText,
        commission: Type.Optional(DecimalText),
      }),
    }),
    orderEvent: Type.Object({ order: OrderShape, event: Type.Object({ type: Type.String() }) }),
    mark: Type.Object({ instrumentId: Type.String(), price: DecimalText }),
    snapshot: Type.Object({}),
  },
  replies: {
    snapshot: Type.Object({
      positions: Type.Array(
        Type.Object({
          positionId: Type.String(),
          instrumentId: Type.String(),
          quantity: DecimalText,
          averageOpenPrice: DecimalText,
          realizedPnl: DecimalText,
          unrealizedPnl: Type.Optional(DecimalText),
          commissions: DecimalText,
        }),
      ),
      balances: Type.Record(
        Type.String(),
        Type.Object({ total: DecimalText, locked: DecimalText, free: DecimalText }),
      ),
    }),
  },
});
