import { Type } from '@sinclair/typebox';
import { InstrumentSpecSchema } from '../../src/domain/instrument.ts';
import { QuoteTickSchema, TradeTickSchema } from '../../src/domain/market-data.ts';
import { DecimalText, OrderRequestSchema } from '../../src/domain/schemas.ts';
import { defineProtocol } from '../../src/index.ts';

const ClientOrderId = Type.String({ minLength: 1, maxLength: 64 });

export const VenueFaultsSchema = Type.Object(
  {
    /** Share of submits rejected at random (0..1). */
    rejectRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    /** Share of acknowledgements (Accepted, Canceled, Updated) never sent (0..1): the order still changes. */
    dropAckRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    /** Chance per market step that the venue drops its client's session (0..1). */
    disconnectRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);

export const VenueOrderRecordSchema = Type.Object({
  clientOrderId: Type.String(),
  venueOrderId: Type.String(),
  instrumentId: Type.String(),
  side: Type.Union([Type.Literal('BUY'), Type.Literal('SELL')]),
  quantity: DecimalText,
  price: Type.Optional(DecimalText),
  status: Type.Union([
    Type.Literal('OPEN'),
    Type.Literal('FILLED'),
    Type.Literal('CANCELED'),
    Type.Literal('REJECTED'),
  ]),
  filledQuantity: DecimalText,
  fills: Type.Array(
    Type.Object({
      tradeId: Type.String(),
      quantity: DecimalText,
      price: DecimalText,
      commission: DecimalText,
      at: Type.Number(),
    }),
  ),
});

export const VenueFillSchema = Type.Object({
  clientOrderId: Type.String(),
  instrumentId: Type.String(),
  tradeId: Type.String(),
  quantity: DecimalText,
  price: DecimalText,
  commission: DecimalText,
  at: Type.Number(),
});

/**
 * The simulated venue's wire: what a venue session (the adapter) sends it. Once a client has connected, the venue
 * pushes to it, by tell: `venueReport` for its orders (the events of execution's VenueOrderEventSchema), `quote`
 * and `trade` for the instruments it subscribed to, and `sessionClosed` when the venue drops the session. Orders
 * from a client that is not connected are answered with `sessionClosed`, never acted on.
 */
export const venueSimProtocol = defineProtocol({
  messages: {
    connect: Type.Object({ client: Type.String({ minLength: 1 }) }),
    disconnect: Type.Object({ client: Type.String({ minLength: 1 }) }),
    subscribe: Type.Object({
      client: Type.String({ minLength: 1 }),
      instrumentId: Type.String({ minLength: 3 }),
    }),
    submit: Type.Object({ client: Type.String({ minLength: 1 }), order: OrderRequestSchema }),
    modify: Type.Object({
      client: Type.String({ minLength: 1 }),
      clientOrderId: ClientOrderId,
      quantity: Type.Optional(DecimalText),
      price: Type.Optional(DecimalText),
    }),
    cancel: Type.Object({ client: Type.String({ minLength: 1 }), clientOrderId: ClientOrderId }),
    queryOrder: Type.Object({ clientOrderId: ClientOrderId }),
    queryOpenOrders: Type.Object({ instrumentId: Type.Optional(Type.String()) }),
    queryFillsSince: Type.Object({ since: Type.Number({ minimum: 0 }) }),
    /** The account's net position per instrument, from every fill. */
    queryPositions: Type.Object({}),
    instrument: Type.Object({ spec: InstrumentSpecSchema }),
    setFaults: VenueFaultsSchema,
    /** Drops every session now (chaos and tests): clients are told `sessionClosed`. */
    dropSessions: Type.Object({}),
    /** The venue's own clock: the next market step and the delayed acknowledgements and fills that are due. */
    step: Type.Object({}),
    /**
     * Market data from outside (a backtest's feed, in time order): each quote becomes its instrument's book, and
     * every tick reaches the instrument's subscribers. Best with no synthetic market for those instruments.
     */
    marketData: Type.Object({
      ticks: Type.Array(
        Type.Union([
          Type.Object({ kind: Type.Literal('quote'), tick: QuoteTickSchema }),
          Type.Object({ kind: Type.Literal('trade'), tick: TradeTickSchema }),
        ]),
      ),
    }),
    status: Type.Object({}),
  },
  replies: {
    connect: Type.Object({ sessionId: Type.String(), instruments: Type.Array(InstrumentSpecSchema) }),
    queryOrder: Type.Union([
      Type.Object({ found: Type.Literal(false) }),
      Type.Object({ found: Type.Literal(true), order: VenueOrderRecordSchema }),
    ]),
    queryOpenOrders: Type.Array(VenueOrderRecordSchema),
    queryFillsSince: Type.Array(VenueFillSchema),
    queryPositions: Type.Record(Type.String(), DecimalText),
    status: Type.Object({
      sessions: Type.Array(Type.String()),
      openOrders: Type.Integer(),
      fills: Type.Integer(),
      steps: Type.Integer(),
      replayedLines: Type.Integer(),
      skippedLines: Type.Integer(),
    }),
  },
});
