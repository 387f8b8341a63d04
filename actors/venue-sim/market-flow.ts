import { Decimal } from '../../src/domain/decimal.ts';
import { type Instrument, type InstrumentSpec, instrumentOf } from '../../src/domain/instrument.ts';
import type { QuoteTick, TradeTick } from '../../src/domain/market-data.ts';
import { closeSessions } from './order-flow.ts';
import type { MarketDataTick } from './replay-file.ts';
import { stepMarket } from './synthetic-market.ts';
import { beginTurn, finish, push, route, type Turn } from './turn.ts';
import { engineOf, type VenueContext } from './venue-state.ts';

/** What the replay reader hands the venue at a time: ticks, and how far into the file they go. */
export interface ReplayChunk {
  ticks: MarketDataTick[];
  /** The line number of the last line read (good or not). */
  lastLine: number;
  /** Malformed lines among those read, already logged by the reader. */
  skipped: number;
  /** The reader reached the end of the file. */
  done: boolean;
}

function publish(
  turn: Turn,
  instrumentId: string,
  type: 'quote' | 'trade',
  tick: QuoteTick | TradeTick,
): void {
  const clients = turn.context.subscribers[instrumentId];
  if (clients === undefined) return;
  for (const client of clients) push(turn, client, type, tick);
}

/** The venue's book changed: its new touch goes to the instrument's subscribers. */
function publishTouch(turn: Turn, instrumentId: string): void {
  // Every market step calls this: no subscriber, no book to read.
  if (turn.context.subscribers[instrumentId] === undefined) return;
  const engine = engineOf(turn.context, instrumentId);
  const touch = engine?.depth(1);
  const bid = touch?.bids[0];
  const ask = touch?.asks[0];
  if (bid === undefined || ask === undefined) return;
  publish(turn, instrumentId, 'quote', {
    instrumentId,
    bid: bid[0],
    ask: ask[0],
    bidSize: bid[1],
    askSize: ask[1],
    ts: turn.now,
  });
}

/** Now and then someone trades at the touch, so that trade ticks (and bars) exist downstream. */
function maybeTrade(turn: Turn, spec: InstrumentSpec, touch: { bid: string; ask: string }, maxUnits: number) {
  if (!turn.chance.hits(turn.context.tradeProbability)) return;
  const aggressor = turn.chance.int(0, 1) === 0 ? 'BUY' : 'SELL';
  const units = BigInt(turn.chance.int(1, Math.max(1, maxUnits)));
  turn.context.syntheticTrades += 1;
  publish(turn, spec.id, 'trade', {
    instrumentId: spec.id,
    price: aggressor === 'BUY' ? touch.ask : touch.bid,
    size: Decimal.fromUnits(units, spec.sizePrecision).toString(),
    aggressor,
    tradeId: `${turn.context.venue}-X${turn.context.syntheticTrades}`,
    ts: turn.now,
  });
}

/**
 * One tick of the venue's clock: every synthetic market takes a step (the book's market liquidity is replaced,
 * resting client orders it crosses fill), subscribers get the new touch and now and then a trade, and the venue
 * may drop its sessions (the disconnect fault). A replayed market moves with its file, not with the clock.
 */
export function step(turn: Turn): void {
  const context = turn.context;
  context.steps += 1;
  if (context.replay === undefined) {
    context.markets = { ...context.markets };
    for (const [instrumentId, market] of Object.entries(context.markets)) {
      const spec = context.instruments[instrumentId] as InstrumentSpec;
      const engine = engineOf(context, instrumentId);
      if (engine === undefined) continue;
      const next = stepMarket(market, instrumentOf(spec));
      context.markets[instrumentId] = next.state;
      route(turn, engine, engine.setMarket(next.levels, turn.now));
      publishTouch(turn, instrumentId);
      const bid = next.levels.bids[0];
      const ask = next.levels.asks[0];
      if (bid !== undefined && ask !== undefined) {
        maybeTrade(turn, spec, { bid: bid[0], ask: ask[0] }, next.state.settings.minLevelSize);
      }
    }
  }
  if (Object.keys(context.sessions).length > 0 && turn.chance.hits(context.faults.disconnectRate)) {
    closeSessions(turn, 'simulated disconnect');
  }
}

const DEFAULT_TRADE_DEPTH = Decimal.of(1_000_000);

/**
 * A market made from a trade, for an instrument whose data has no quotes: a tick either side of the trade's price,
 * as deep as the instrument's largest order (trade data says nothing of depth, and a backtest on it would
 * otherwise fill only what each trade happened to print).
 */
function marketAtTrade(
  instrument: Instrument,
  priceText: string,
): { bids: Array<[string, string]>; asks: Array<[string, string]> } {
  const price = Decimal.parse(priceText);
  const depth = instrument.maxQuantity ?? DEFAULT_TRADE_DEPTH;
  const below = price.sub(instrument.tickSize);
  const bids: Array<[string, string]> = below.sign > 0 ? [[below.toString(), depth.toString()]] : [];
  return { bids, asks: [[price.add(instrument.tickSize).toString(), depth.toString()]] };
}

/**
 * Market data handed to the venue (a replayed file, a backtest's feed): a quote becomes the book of its instrument,
 * and quotes and trades go to its subscribers. An instrument with no quote yet takes its book from trades (see
 * marketAtTrade). A tick for an instrument the venue does not list changes nothing and is warned of. Returns how
 * many were taken.
 */
export function feed(turn: Turn, ticks: readonly MarketDataTick[]): number {
  const context = turn.context;
  let taken = 0;
  for (const item of ticks) {
    const engine = engineOf(context, item.tick.instrumentId);
    if (engine === undefined) {
      turn.out.push({ warn: 'market data for an instrument the venue does not list', detail: item.tick });
      continue;
    }
    if (item.kind === 'quote') {
      const { bid, ask, bidSize, askSize } = item.tick;
      if (context.quoted?.[item.tick.instrumentId] === undefined) {
        context.quoted = { ...context.quoted, [item.tick.instrumentId]: true };
      }
      route(turn, engine, engine.setMarket({ bids: [[bid, bidSize]], asks: [[ask, askSize]] }, turn.now));
    } else if (context.quoted?.[item.tick.instrumentId] === undefined) {
      route(turn, engine, engine.setMarket(marketAtTrade(engine.instrument, item.tick.price), turn.now));
    }
    publish(turn, item.tick.instrumentId, item.kind, item.tick);
    taken += 1;
  }
  return taken;
}

export function replay(turn: Turn, chunk: ReplayChunk): void {
  const context = turn.context;
  context.replayedLines += feed(turn, chunk.ticks);
  context.skippedLines += chunk.skipped;
  context.replayLine = chunk.lastLine;
}

/** Sends the delayed reports due at the earliest due time, which is the venue clock's new time. */
export function deliverDue(context: VenueContext): VenueContext {
  const pending = context.pending;
  const due = pending[0]?.due ?? context.now;
  let count = 0;
  while (count < pending.length && (pending[count] as { due: number }).due <= due) count += 1;
  const turn = beginTurn(context, due);
  for (const delivery of pending.splice(0, count)) {
    push(turn, delivery.to, 'venueReport', delivery.payload, delivery.traceparent);
  }
  return finish(turn);
}
