import { Type } from '@sinclair/typebox';
import { QuoteTickSchema, TradeTickSchema } from '../../src/domain/market-data.ts';
import { defineProtocol } from '../../src/index.ts';

/**
 * Market data's messages. Ticks come in from the venue adapters; subscribers (strategies) get `quote`, `trade` and
 * `bar` messages with the payloads of src/domain/market-data.ts. A subscriber that cannot keep up gets the latest
 * value per instrument instead of every tick, and what it missed is counted.
 */
export const marketDataProtocol = defineProtocol({
  messages: {
    quote: QuoteTickSchema,
    trade: TradeTickSchema,
    subscribe: Type.Object({
      subscriber: Type.String({ minLength: 1 }),
      instrumentId: Type.String({ minLength: 3 }),
      quotes: Type.Optional(Type.Boolean()),
      trades: Type.Optional(Type.Boolean()),
      /** Time bars of this length, aggregated here. */
      barIntervalMs: Type.Optional(Type.Integer({ minimum: 1 })),
    }),
    unsubscribe: Type.Object({
      subscriber: Type.String({ minLength: 1 }),
      instrumentId: Type.Optional(Type.String({ minLength: 3 })),
    }),
    /** Closes the bars whose interval has ended although no tick came after it (market data's own timer). */
    closeBars: Type.Object({}),
    /**
     * The feed's note to its own machine: a bar in the making ends at `at` (ms); the timer closes it then, and
     * every `everyMs` after that (a divisor of every bar interval) for as long as each period closes a bar.
     */
    barsDue: Type.Object({ at: Type.Number(), everyMs: Type.Optional(Type.Integer({ minimum: 1 })) }),
    stats: Type.Object({}),
  },
  replies: {
    stats: Type.Object({
      quotes: Type.Integer(),
      trades: Type.Integer(),
      bars: Type.Integer(),
      subscribers: Type.Array(
        Type.Object({
          subscriber: Type.String(),
          instruments: Type.Array(Type.String()),
          delivered: Type.Integer(),
          dropped: Type.Integer(),
        }),
      ),
      /** Ticks left out of bars because their interval had already closed. */
      lateTicks: Type.Optional(Type.Integer()),
      /** The price sinks (execution, portfolio, risk), conflated like subscribers. */
      sinks: Type.Optional(
        Type.Array(Type.Object({ sink: Type.String(), delivered: Type.Integer(), dropped: Type.Integer() })),
      ),
    }),
  },
});
