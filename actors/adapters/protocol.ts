import { Type } from '@sinclair/typebox';
import { QuoteTickSchema, TradeTickSchema } from '../../src/domain/market-data.ts';
import { DecimalText } from '../../src/domain/schemas.ts';
import { defineProtocol } from '../../src/index.ts';
import { VenueOrderEventSchema } from '../execution/protocol.ts';

const ClientOrderId = Type.String({ minLength: 1, maxLength: 64 });

/** An order as execution sends it: the request's fields (others, such as its status, may come along). */
const OutgoingOrderSchema = Type.Object({
  clientOrderId: ClientOrderId,
  strategyId: Type.String({ minLength: 1 }),
  instrumentId: Type.String({ minLength: 3 }),
  side: Type.Union([Type.Literal('BUY'), Type.Literal('SELL')]),
  type: Type.String({ minLength: 1 }),
  quantity: DecimalText,
  price: Type.Optional(DecimalText),
  triggerPrice: Type.Optional(DecimalText),
  timeInForce: Type.Optional(Type.String()),
  expireTime: Type.Optional(Type.Number()),
  postOnly: Type.Optional(Type.Boolean()),
  reduceOnly: Type.Optional(Type.Boolean()),
});

export const ConnectionStateSchema = Type.Union([
  Type.Literal('disconnected'),
  Type.Literal('connecting'),
  Type.Literal('connected'),
  Type.Literal('reconnecting'),
  Type.Literal('disconnecting'),
  Type.Literal('failed'),
]);

/**
 * The venue adapter's messages. From execution: orders to route and questions about orders in flight (answered
 * as `venueEvent`s to execution). From market data: subscriptions. From its venue session (the simulated venue
 * pushes these): order reports, quotes, trades, and the session's end.
 */
export const adapterProtocol = defineProtocol({
  messages: {
    submit: Type.Object({ order: OutgoingOrderSchema }),
    modify: Type.Object({
      clientOrderId: ClientOrderId,
      quantity: Type.Optional(DecimalText),
      price: Type.Optional(DecimalText),
      triggerPrice: Type.Optional(DecimalText),
    }),
    cancel: Type.Object({ clientOrderId: ClientOrderId }),
    /** Execution has waited too long for an answer about this order: what it believes, to compare with the venue. */
    queryOrder: Type.Object({
      clientOrderId: ClientOrderId,
      instrumentId: Type.Optional(Type.String()),
      status: Type.Optional(Type.String()),
      /** For an order with a modify or cancel pending: the status it had before. */
      statusBeforePending: Type.Optional(Type.String()),
      quantity: Type.Optional(DecimalText),
      price: Type.Optional(DecimalText),
    }),
    subscribe: Type.Object({ instrumentId: Type.String({ minLength: 3 }) }),
    venueReport: Type.Object({ clientOrderId: ClientOrderId, event: VenueOrderEventSchema }),
    quote: QuoteTickSchema,
    trade: TradeTickSchema,
    sessionClosed: Type.Object({ reason: Type.String() }),
    status: Type.Object({}),
  },
  replies: {
    status: Type.Object({
      venue: Type.String(),
      connection: ConnectionStateSchema,
      breaker: Type.Union([Type.Literal('closed'), Type.Literal('open'), Type.Literal('half-open')]),
      reconnects: Type.Integer(),
      subscriptions: Type.Array(Type.String()),
      routed: Type.Integer(),
      failedCalls: Type.Integer(),
    }),
  },
});
