import { Type } from '@sinclair/typebox';
import { InstrumentSpecSchema } from '../../src/domain/instrument.ts';
import { DecimalText, OrderRequestSchema } from '../../src/domain/schemas.ts';
import { defineProtocol } from '../../src/index.ts';

const ClientOrderId = Type.String({ minLength: 1, maxLength: 64 });

/** What a venue (through its adapter) reports about an order. */
export const VenueOrderEventSchema = Type.Union([
  Type.Object({ type: Type.Literal('Accepted'), venueOrderId: Type.Optional(Type.String()) }),
  Type.Object({ type: Type.Literal('Rejected'), reason: Type.String() }),
  Type.Object({ type: Type.Literal('Canceled') }),
  Type.Object({ type: Type.Literal('Expired') }),
  Type.Object({ type: Type.Literal('Triggered') }),
  Type.Object({
    type: Type.Literal('Updated'),
    quantity: Type.Optional(DecimalText),
    price: Type.Optional(DecimalText),
    triggerPrice: Type.Optional(DecimalText),
  }),
  Type.Object({ type: Type.Literal('ModifyRejected'), reason: Type.String() }),
  Type.Object({ type: Type.Literal('CancelRejected'), reason: Type.String() }),
  Type.Object({
    type: Type.Literal('Filled'),
    tradeId: Type.String({ minLength: 1 }),
    quantity: DecimalText,
    price: DecimalText,
    commission: Type.Optional(DecimalText),
  }),
]);

const ModifySchema = Type.Object({
  clientOrderId: ClientOrderId,
  instrumentId: Type.String({ minLength: 3 }),
  quantity: Type.Optional(DecimalText),
  price: Type.Optional(DecimalText),
  triggerPrice: Type.Optional(DecimalText),
});

/** An order a venue has that execution did not know of, as the venue reports it: adopted as an external order. */
export const ExternalOrderSchema = Type.Object({
  clientOrderId: ClientOrderId,
  venueOrderId: Type.Optional(Type.String()),
  instrumentId: Type.String({ minLength: 3 }),
  side: Type.Union([Type.Literal('BUY'), Type.Literal('SELL')]),
  quantity: DecimalText,
  price: Type.Optional(DecimalText),
  fills: Type.Array(
    Type.Object({
      tradeId: Type.String({ minLength: 1 }),
      quantity: DecimalText,
      price: DecimalText,
      commission: Type.Optional(DecimalText),
    }),
  ),
});

/** Execution's messages: approved and denied orders from risk, modifies and cancels, venue reports, queries. */
export const executionProtocol = defineProtocol({
  messages: {
    submitOrder: Type.Object({ order: OrderRequestSchema }),
    orderDenied: Type.Object({
      order: OrderRequestSchema,
      reason: Type.Optional(Type.String()),
      message: Type.Optional(Type.String()),
    }),
    modifyOrder: ModifySchema,
    modifyDenied: Type.Composite([
      ModifySchema,
      Type.Object({ reason: Type.Optional(Type.String()), message: Type.Optional(Type.String()) }),
    ]),
    cancelOrder: Type.Object({ clientOrderId: ClientOrderId }),
    venueEvent: Type.Object({ clientOrderId: ClientOrderId, event: VenueOrderEventSchema }),
    /** From an adapter's reconciliation: an open order at the venue that execution does not know. */
    adoptOrder: Type.Object({ order: ExternalOrderSchema }),
    instrument: Type.Object({ spec: InstrumentSpecSchema }),
    /** Market data for emulated orders: the last price and, when known, the touch. */
    marketPrice: Type.Object({
      instrumentId: Type.String({ minLength: 3 }),
      price: DecimalText,
      bid: Type.Optional(DecimalText),
      ask: Type.Optional(DecimalText),
    }),
    /** Asks about orders the venue has not answered for too long; sent by execution's own timer (or a script). */
    checkInFlight: Type.Object({}),
    order: Type.Object({ clientOrderId: ClientOrderId }),
    openOrders: Type.Object({}),
    stats: Type.Object({}),
  },
  replies: {
    order: Type.Union([
      Type.Object({ found: Type.Literal(false) }),
      Type.Object({ found: Type.Literal(true), order: Type.Unknown() }),
    ]),
    openOrders: Type.Array(Type.Unknown()),
    stats: Type.Object({
      orders: Type.Integer(),
      fills: Type.Integer(),
      denied: Type.Integer(),
      rejected: Type.Integer(),
      open: Type.Integer(),
      inFlight: Type.Integer(),
    }),
  },
});
