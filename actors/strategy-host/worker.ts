import { type EventObject, fromCallback } from 'xstate';
import type { Bar, QuoteTick, TradeTick } from '../../src/domain/market-data.ts';
import { rememberRecent } from '../../src/domain/recent-ids.ts';
import { type ActorIO, defineActor, type FastHandler } from '../../src/index.ts';
import type { ContextPorts, HostViews } from './context.ts';
import type { StrategyHostSettings } from './input.ts';
import { type Subscription, strategyHostMachine, trackOrder, trackPosition } from './machine.ts';
import { strategyHostProtocol } from './protocol.ts';
import { openSession, type StrategySession, strategyLog } from './session.ts';
import type { Strategy } from './strategy.ts';

type OrderReport = Parameters<NonNullable<Strategy['onOrderEvent']>>[0];

type MarketData = { type: string; payload: unknown };

interface Slot {
  session: StrategySession | undefined;
  /**
   * Market data that came before the strategy started. A restored host is sent what its predecessor had not
   * acknowledged at once, while its strategy is still being imported: it is held and handed over after onStart.
   */
  backlog: MarketData[];
  dropped: number;
  /** The venue time of the tick being handed to the strategy: orders it makes meanwhile measure from it. */
  tickTs: number | undefined;
}

/** A tick older than this is replayed history, not live: it says nothing of the node's latency. */
const LIVE_TICK_MS = 60_000;

/** Enough for seconds of ticks while a strategy module loads; beyond it the oldest go (they are stale by then). */
const MAX_BACKLOG = 10_000;

/**
 * The live strategy of each incarnation, kept outside the machine (it is code, not state). Keyed by the ActorIO
 * its incarnation was given, so that a restarted host never reaches its predecessor's strategy, even inline.
 */
const slots = new WeakMap<ActorIO, Slot>();

function deliver(session: StrategySession, message: MarketData, views: HostViews): void {
  if (message.type === 'bar') session.bar(message.payload as Bar, views);
  else if (message.type === 'quote')
    session.tick({ kind: 'quote', ...(message.payload as QuoteTick) }, views);
  else session.tick({ kind: 'trade', ...(message.payload as TradeTick) }, views);
}

const marketData: FastHandler<typeof strategyHostMachine> = (message, actor, io) => {
  const slot = slots.get(io) as Slot;
  if (slot.session?.started) {
    slot.tickTs = (message.payload as { ts?: number }).ts;
    deliver(slot.session, message, actor.snapshot.context);
    slot.tickTs = undefined;
    return;
  }
  rememberRecent(slot.backlog, { type: message.type, payload: message.payload }, MAX_BACKLOG, () => {
    slot.dropped += 1;
  });
};

/** Keeps the order views; the strategy hears of the event only while the host runs (it is loaded and started). */
const orderEvent: FastHandler<typeof strategyHostMachine> = (message, actor, io) => {
  const snapshot = actor.snapshot;
  const context = snapshot.context;
  actor.update(trackOrder(context, message as { payload: OrderReport }));
  if (snapshot.value === 'running')
    slots.get(io)?.session?.orderEvent(message.payload as OrderReport, context);
};

const portfolioEvent: FastHandler<typeof strategyHostMachine> = (message, actor, io) => {
  const snapshot = actor.snapshot;
  const context = snapshot.context;
  const next = trackPosition(context, message as Parameters<typeof trackPosition>[1]);
  if (next === undefined) return;
  actor.update(next);
  const position = next.positions[(message.payload as { instrumentId: string }).instrumentId];
  if (snapshot.value === 'running' && position !== undefined)
    slots.get(io)?.session?.positionChanged(position, context);
};

/** A subscription as plain data with no undefined fields: it is persisted and sent to market data. */
function plain(subscription: Subscription): Subscription {
  const { instrumentId, quotes, trades, barIntervalMs } = subscription;
  return {
    instrumentId,
    ...(quotes === undefined ? {} : { quotes }),
    ...(trades === undefined ? {} : { trades }),
    ...(barIntervalMs === undefined ? {} : { barIntervalMs }),
  };
}

/**
 * The strategy host as an actor. Quotes, trades, bars, order events and positions go straight to the strategy
 * through fast handlers, with no transition per message; what the strategy does (submit, cancel, modify) goes to the risk engine from its context.
 */
export const strategyHostActor = defineActor({
  kind: 'strategy-host',
  protocol: strategyHostProtocol,
  machine: strategyHostMachine,
  handlers: { quote: marketData, trade: marketData, bar: marketData, orderEvent, portfolioEvent },
  effects: (io) => {
    const slot: Slot = { session: undefined, backlog: [], dropped: 0, tickTs: undefined };
    slots.set(io, slot);
    const tickToOrder = io.meter.createHistogram('foxtrot.tick_to_order.duration', {
      description: "From a tick's venue time to the order a strategy made on it leaving the strategy host",
      unit: 'ms',
      advice: { explicitBucketBoundaries: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000] },
    });
    const ports: ContextPorts = {
      tell: (to, type, payload, options) => {
        if (type === 'submit' && slot.tickTs !== undefined) {
          const elapsed = io.now() - slot.tickTs;
          if (elapsed >= 0 && elapsed < LIVE_TICK_MS) tickToOrder.record(elapsed, { strategy: io.self });
        }
        io.tell(to, type, payload, options);
      },
      now: () => io.now(),
      log: strategyLog(io.log),
    };
    return {
      actors: {
        session: fromCallback<EventObject, StrategyHostSettings>(({ input, sendBack }) => {
          let stopped = false;
          openSession(input, ports).then(
            (session) => {
              if (stopped) return;
              slot.session = session;
              sendBack({ type: 'loaded', subscriptions: session.strategy.subscriptions.map(plain) });
            },
            (error: unknown) => {
              if (!stopped) sendBack({ type: 'loadFailed', message: (error as Error).message });
            },
          );
          return () => {
            stopped = true;
            slot.session?.stop();
            slot.session = undefined;
          };
        }),
      },
      actions: {
        subscribe: ({ context }) => {
          for (const subscription of context.subscriptions) {
            io.tell(context.marketDataId, 'subscribe', { subscriber: io.self, ...subscription });
          }
        },
        startStrategy: ({ context }) => {
          const session = slot.session as StrategySession;
          session.start(context);
          if (slot.dropped > 0) {
            io.log.warn({ dropped: slot.dropped }, 'market data dropped while the strategy was loading');
          }
          const backlog = slot.backlog;
          slot.backlog = [];
          slot.dropped = 0;
          for (const message of backlog) deliver(session, message, context);
        },
        answerStatus: ({ context, event, self }) => {
          if (event.type !== 'status') return;
          const counters = slot.session?.context.counters;
          io.reply(event.meta, {
            strategyId: context.strategyId,
            state: String(self.getSnapshot().value),
            ticks: counters?.ticks ?? 0,
            bars: counters?.bars ?? 0,
            ordersSubmitted: counters?.ordersSubmitted ?? 0,
            orderEvents: context.orderEvents,
            errors: context.errors,
          });
        },
      },
    };
  },
});
