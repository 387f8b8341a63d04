import type { QuoteTick, TradeTick } from '../../src/domain/market-data.ts';
import { type ActorIO, defineActor } from '../../src/index.ts';
import { Feed } from './feed.ts';
import { type MarketDataContext, marketDataMachine } from './machine.ts';
import { marketDataProtocol } from './protocol.ts';

/** One feed per actor incarnation: a restarted actor gets a new io, and so starts a fresh feed. */
const feeds = new WeakMap<ActorIO, Feed>();

function feedOf(io: ActorIO, context: MarketDataContext): Feed {
  let feed = feeds.get(io);
  if (feed === undefined) {
    const barsDue = (at: number, everyMs: number) =>
      io.tell(io.self, 'barsDue', { at, everyMs }, { trace: 'high-rate' });
    feed = new Feed(
      io,
      context.maxInFlight,
      context.priceSinks,
      context.closeBarsOnTime ? barsDue : undefined,
    );
    feeds.set(io, feed);
  }
  return feed;
}

/**
 * Market data as an actor. Quotes and trades (tick rate) and the bar timer's `closeBars` run in fast handlers
 * that read the subscriptions from the machine's current state; subscribing, unsubscribing and stats go through
 * the machine. A worker hosting market data loads this module.
 */
export const marketDataActor = defineActor({
  kind: 'market-data',
  protocol: marketDataProtocol,
  machine: marketDataMachine,
  handlers: {
    quote: (message, actor, io) => {
      const { context } = actor.snapshot;
      const tick = message.payload as QuoteTick;
      feedOf(io, context).quote(tick, context.routes[tick.instrumentId]);
    },
    trade: (message, actor, io) => {
      const { context } = actor.snapshot;
      const tick = message.payload as TradeTick;
      feedOf(io, context).trade(tick, context.routes[tick.instrumentId]);
    },
    closeBars: (message, actor, io) => {
      const { context, value } = actor.snapshot;
      const armedUntil = value === 'due' ? context.barsDueAt : undefined;
      const closed = feedOf(io, context).closeBars(message.meta.timestamp, context.routes, armedUntil);
      if (!closed && value === 'due') actor.send({ type: 'barsQuiet' });
    },
  },
  effects: (io) => ({
    actions: {
      emit: ({ context }) => {
        for (const { adapter, instrumentId } of context.outbox)
          io.tell(adapter, 'subscribe', { instrumentId });
      },
      answerStats: ({ context, event }) => {
        if (event.type === 'stats') io.reply(event.meta, feedOf(io, context).stats(context.subscriptions));
      },
      requestCloseBars: () => {
        io.tell(io.self, 'closeBars', {}, { trace: 'high-rate' });
      },
    },
  }),
});
