import { type Static, Type } from '@sinclair/typebox';
import { DecimalText } from './schemas.ts';

/*
 * Market data as it travels between actors: the venue publishes quotes and trades, market data aggregates bars and
 * fans all three out. Prices and sizes are decimal text at the instrument's precision; times are epoch ms.
 */
export const QuoteTickSchema = Type.Object(
  {
    instrumentId: Type.String({ minLength: 3 }),
    bid: DecimalText,
    ask: DecimalText,
    bidSize: DecimalText,
    askSize: DecimalText,
    ts: Type.Number({ minimum: 0 }),
  },
  { additionalProperties: false },
);

export const TradeTickSchema = Type.Object(
  {
    instrumentId: Type.String({ minLength: 3 }),
    price: DecimalText,
    size: DecimalText,
    aggressor: Type.Optional(Type.Union([Type.Literal('BUY'), Type.Literal('SELL')])),
    tradeId: Type.Optional(Type.String()),
    ts: Type.Number({ minimum: 0 }),
  },
  { additionalProperties: false },
);

/** A time bar: the ticks of [start, start + intervalMs). Built from trades, or from quote mids when none trade. */
export const BarSchema = Type.Object(
  {
    instrumentId: Type.String({ minLength: 3 }),
    intervalMs: Type.Integer({ minimum: 1 }),
    start: Type.Number({ minimum: 0 }),
    open: DecimalText,
    high: DecimalText,
    low: DecimalText,
    close: DecimalText,
    volume: DecimalText,
    ticks: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

export type QuoteTick = Static<typeof QuoteTickSchema>;
export type TradeTick = Static<typeof TradeTickSchema>;
export type Bar = Static<typeof BarSchema>;
