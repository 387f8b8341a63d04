import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/engine.ts';
import type { OrderRecord } from '../../src/backtest/spec.ts';
import type { Order } from '../../src/domain/order.ts';
import { DEFAULT_CONFIG, loadConfig } from '../../src/node/config.ts';
import { readActorState } from '../../src/persistence/actor-states.ts';
import { FoxtrotStore } from '../../src/persistence/store.ts';
import { fillsOf, orderOf } from '../../src/persistence/views.ts';
import { decodeMachine } from '../../src/runtime/snapshot-encoding.ts';
import { healthy, type Running, startNode, status, stop, until } from '../support/node-process.ts';
import { type ParityDataOptions, writeParityData } from '../support/parity-data.ts';
import { tempDir } from '../support/temp-dir.ts';

/*
 * The backtesting issue's acceptance test: a strategy run live in the node (every actor in its worker) against the
 * simulated venue replaying a data file, and backtested on the same file, places the same orders and gets the same
 * fills.
 *
 * What makes the two runs comparable:
 * - Client order ids differ (their generator is seeded by the clock), so orders are compared by content, in
 *   creation order, and fills by side, price and quantity, in order.
 * - Live, the venue starts replaying when the adapter subscribes, possibly before the strategy has subscribed to
 *   market data, and risk denies orders until the venue is reconciled: the file starts flat, so whichever of those
 *   quotes the strategy first gets through with, it quotes the same prices. Denied orders (the strategy retries them
 *   on the next tick) are left out on both sides.
 * - Live, each tick's consequences (strategy, risk, execution, adapter, venue and back) must be over before the next
 *   tick, as they are in a backtest: quotes are 400 ms apart in the file and replayed at 1.6 times its pace, 250 ms
 *   of real time apart.
 * - A backtest's actors take no time: a tick is handled through to the venue's last order request before the
 *   venue's first report (on its latency) is delivered. Live, a hop between workers takes a millisecond or more,
 *   and with the default 1 ms latency a fill's report (venue, adapter, execution, strategy) races the quote that
 *   caused it (venue, adapter, market data, strategy) and often wins: the market maker then quotes the filled side
 *   again around the old mid. So the venue reports after VENUE_LATENCY_MS, well above the time the node's own hops
 *   take, and the reports reach the strategy in the order a backtest delivers them. The backtest runs with the
 *   same config file (`--config`), so its venue has that latency too.
 * - A node stopping cancels its open orders unless told to keep them: it keeps them here, as a backtest's end
 *   leaves them open.
 */

const INSTRUMENT = 'BTCUSDT.SIM';
const VENUE_ACTOR = `venue-${DEFAULT_CONFIG.venue.name}`;
const SPEED = 1.6;
const VENUE_LATENCY_MS = 50;

const DATA: ParityDataOptions = {
  instrumentId: INSTRUMENT,
  startMidTicks: 6_000_000,
  // The market's spread is 4 ticks, the strategy's 2 (one tick either side of the mid): its quotes rest inside
  // the market's, and a move of 3 ticks or more against one fills it.
  halfSpreadTicks: 2,
  flatQuotes: 25,
  waveQuotes: 48,
  // Steps of up to 5 ticks near the middle of the wave (fills), of 1 near its peaks (requotes once they add up).
  amplitudeTicks: 12,
  period: 16,
  startTime: Date.UTC(2026, 0, 5),
  spacingMs: 400,
  size: '1.000',
};

const PARAMS = {
  instrumentId: INSTRUMENT,
  size: '0.010',
  halfSpreadTicks: 1,
  requoteTicks: 2,
  maxPosition: '0.5',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ComparedOrder {
  side: string;
  type: string;
  price: string | undefined;
  quantity: string;
  status: string;
  filledQuantity: string;
}

interface ComparedFill {
  side: string;
  price: string;
  quantity: string;
}

const orderLine = (order: ComparedOrder) =>
  `${order.side} ${order.type} ${order.quantity} @ ${order.price ?? '-'} -> ${order.status} (filled ${order.filledQuantity})`;
const fillLine = (fill: ComparedFill) => `${fill.side} ${fill.quantity} @ ${fill.price}`;

function compared(order: Order | OrderRecord): ComparedOrder {
  return {
    side: order.side,
    type: order.type,
    price: order.price,
    quantity: order.quantity,
    status: order.status,
    filledQuantity: order.filledQuantity,
  };
}

/**
 * Where two sequences first part, shown with the lines before it; undefined when they are equal. The lines are
 * numbered from 0 and the counts given, so that a sequence cut short shows as such.
 */
function firstDifference(what: string, live: string[], backtest: string[]): string | undefined {
  const length = Math.max(live.length, backtest.length);
  let at = 0;
  while (at < length && live[at] === backtest[at]) at += 1;
  if (at === length) return undefined;
  const from = Math.max(0, at - 3);
  const before = live.slice(from, at).map((line, i) => `  #${from + i} both:     ${line}`);
  // The differing line and the two after it, on each side.
  const after = (lines: string[]) => lines.slice(at, at + 3).join('  |  ') || '(none)';
  return [
    `${what} differ at #${at} (${live.length} live, ${backtest.length} backtest):`,
    ...before,
    `  #${at} live:     ${after(live)}`,
    `  #${at} backtest: ${after(backtest)}`,
  ].join('\n');
}

/** The strategy's client order ids end in a counter after the generator's start time: their creation order. */
function creationKey(clientOrderId: string): [number, number] {
  const match = /-([0-9a-z]+)-(\d+)$/.exec(clientOrderId);
  if (match === null) throw new Error(`client order id ${clientOrderId} is not the strategy's`);
  return [Number.parseInt(match[1] as string, 36), Number(match[2])];
}

function byCreation(a: string, b: string): number {
  const [stemA, countA] = creationKey(a);
  const [stemB, countB] = creationKey(b);
  return stemA - stemB || countA - countB;
}

/** What the stopped node's store holds: its orders in creation order, its fills in time order, the venue's count. */
async function readLive(
  data: string,
): Promise<{ orders: Order[]; fills: ComparedFill[]; replayedLines: number }> {
  const store = FoxtrotStore.open(data, { readOnly: true });
  try {
    const orders = [...store.dbs.orders.getKeys()]
      .map((id) => orderOf(store, String(id)) as Order)
      .filter((order) => order.instrumentId === INSTRUMENT)
      .sort((a, b) => byCreation(a.clientOrderId, b.clientOrderId));
    const fills = [...fillsOf(store)]
      .filter((fill) => fill.instrumentId === INSTRUMENT)
      .sort((a, b) => a.at - b.at || byCreation(a.clientOrderId, b.clientOrderId))
      .map((fill) => ({ side: fill.side, price: fill.price, quantity: fill.quantity }));
    const saved = readActorState(store, VENUE_ACTOR);
    if (saved === undefined) throw new Error(`the store holds no state of ${VENUE_ACTOR}`);
    const venue = decodeMachine(saved.machine) as unknown as { context: { replayedLines: number } };
    return { orders, fills, replayedLines: venue.context.replayedLines };
  } finally {
    await store.close();
  }
}

interface ActorNode {
  id: string;
  actor?: { state?: unknown };
  children?: ActorNode[];
}

/** The venue's state value, as the admin endpoint's actor tree shows it. */
async function venueState(node: Running): Promise<unknown> {
  const { body } = await node.admin('/actors');
  const find = (nodes: ActorNode[]): ActorNode | undefined =>
    nodes.map((n) => (n.id === VENUE_ACTOR ? n : find(n.children ?? []))).find((n) => n !== undefined);
  return find((body.tree ?? []) as ActorNode[])?.actor?.state;
}

describe('backtest parity', () => {
  const dir = tempDir('backtest-parity');
  afterAll(() => dir.remove());

  it('a strategy run live against the replayed file places the orders and gets the fills its backtest does', async () => {
    const file = join(dir.path, `${INSTRUMENT}-quotes.csv`);
    const quotes = writeParityData(file, DATA);
    const configFile = join(dir.path, 'node.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        node: { onShutdown: 'keep' },
        venue: {
          markets: {},
          replay: { file, speed: SPEED },
          latency: { ackMs: VENUE_LATENCY_MS, fillMs: VENUE_LATENCY_MS },
        },
        strategies: [{ id: 'mm', strategy: 'market-maker', params: PARAMS }],
      }),
    );
    const data = join(dir.path, 'node');
    const replayMs = (quotes.length * DATA.spacingMs) / SPEED;

    const node = await startNode(['--config', configFile], data);
    try {
      await healthy(node);
      await until(
        'the venue to replay the whole file',
        async () => {
          const state = (await venueState(node)) as { market?: string } | undefined;
          return state?.market === 'replayed' ? true : undefined;
        },
        replayMs + 20_000,
      );
      // The last tick's reports (fills on their latency, acknowledgements) land, then nothing more may trade.
      await sleep(1000);
      expect((await node.admin('/trading-state', { state: 'HALTED', reason: 'parity check' })).code).toBe(
        200,
      );
      expect((await status(node)).restarts).toBe(0);
      expect((await stop(node)).code).toBe(0);
    } finally {
      node.child.kill('SIGKILL');
    }
    const live = await readLive(data);
    expect(live.replayedLines).toBe(quotes.length);

    const backtest = await runBacktest({
      data: [file],
      strategy: 'market-maker',
      params: PARAMS,
      config: loadConfig(configFile, {}),
    });
    expect(backtest.events).toBe(quotes.length);

    const liveOrders = live.orders.filter((order) => order.status !== 'DENIED').map(compared);
    const backtestOrders = backtest.orders
      .filter((order) => order.instrumentId === INSTRUMENT && order.status !== 'DENIED')
      .map(compared);
    const backtestFills = backtest.fills
      .filter((fill) => fill.instrumentId === INSTRUMENT)
      .map((fill) => ({ side: fill.side, price: fill.price, quantity: fill.quantity }));

    // Enough trading for the comparison to mean something: quotes placed, requoted, and filled on both sides.
    expect(backtestFills.length).toBeGreaterThanOrEqual(10);
    expect(new Set(backtestFills.map((fill) => fill.side)).size).toBe(2);
    expect(backtestOrders.filter((order) => order.status === 'CANCELED').length).toBeGreaterThanOrEqual(5);

    expect(
      firstDifference('orders', liveOrders.map(orderLine), backtestOrders.map(orderLine)),
    ).toBeUndefined();
    expect(firstDifference('fills', live.fills.map(fillLine), backtestFills.map(fillLine))).toBeUndefined();
  }, 90_000);
});
