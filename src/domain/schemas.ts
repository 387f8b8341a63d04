import { Type } from '@sinclair/typebox';
import { ORDER_SIDES, ORDER_TYPES, TIME_IN_FORCE } from './order-types.ts';

/*
 * Message schemas of the trading domain, shared by the actors' protocols. Decimals travel as canonical text:
 * the shape is checked here, precision against the instrument where it is known.
 */
export const DecimalText = Type.String({ pattern: '^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$' });

export const OrderRequestSchema = Type.Object(
  {
    clientOrderId: Type.String({ minLength: 1, maxLength: 64 }),
    strategyId: Type.String({ minLength: 1 }),
    instrumentId: Type.String({ minLength: 3 }),
    side: Type.Union(ORDER_SIDES.map((side) => Type.Literal(side))),
    type: Type.Union(ORDER_TYPES.map((type) => Type.Literal(type))),
    quantity: DecimalText,
    price: Type.Optional(DecimalText),
    triggerPrice: Type.Optional(DecimalText),
    trailingOffset: Type.Optional(DecimalText),
    timeInForce: Type.Optional(Type.Union(TIME_IN_FORCE.map((tif) => Type.Literal(tif)))),
    expireTime: Type.Optional(Type.Number()),
    postOnly: Type.Optional(Type.Boolean()),
    reduceOnly: Type.Optional(Type.Boolean()),
    positionId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);
