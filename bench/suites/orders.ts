import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Book, deposit, onOrderEvent } from '../../actors/portfolio/book.ts';
import { portfolioProtocol } from '../../actors/portfolio/protocol.ts';
import { checkSubmit } from '../../actors/risk/checks.ts';
import { riskProtocol } from '../../actors/risk/protocol.ts';
import { Throttle } from '../../actors/risk/throttle.ts';
import { Decimal } from '../../src/domain/decimal.ts';
import { Instrument } from '../../src/domain/instrument.ts';
import { applyOrderEvent, createOrder, type Order, type OrderRequest } from '../../src/domain/order.ts';
import { type ActorStart, ActorSystem, siblingModule } from '../../src/index.ts';
import { LmdbSnapshotStore } from '../../src/persistence/lmdb-snapshot-store.ts';
import { FoxtrotStore } from '../../src/persistence/store.ts';
import { venueSinkProtocol } from '../actors/venue-sink.ts';
import { defineBench } from '../lib/harness.ts';
import { benchSpec } from '../lib/instrument.ts';

const spec = benchSpec;
const limits = { maxNotionalPerOrder: '1000000', submitRatePerSecond: 100_000_000 };

let run = 0;
export function orders(count: number): OrderRequest[] {
  run += 1;
  return Array.from({ length: count }, (_, i) => ({
    clientOrderId: `r${run}-${i}`,
    strategyId: 'bench',
    instrumentId: spec.id,
    side: i % 2 === 0 ? 'BUY' : 'SELL',
    type: 'LIMIT',
    quantity: '0.010',
    price: `${20000 + (i % 100)}.00`,
  }));
}

/** The same checks, order creation, status changes and balance locks with plain function calls in one thread. */
function plainPipeline(batch: OrderRequest[]): number {
  const instrument = new Instrument(spec);
  const known = new Set<string>();
  const book = new Map<string, Order>();
  let portfolio: Book = {
    omsType: 'NETTING',
    instruments: { [spec.id]: spec },
    positions: {},
    balances: {},
    reservations: {},
  };
  portfolio = deposit(portfolio, 'USDT', '1000000000000').book;
  portfolio = deposit(portfolio, 'BTC', '1000000000').book;
  const throttle = new Throttle(limits.submitRatePerSecond, 1000);
  const started = performance.now();
  for (const request of batch) {
    const denial = checkSubmit(request, {
      now: Date.now(),
      tradingState: 'ACTIVE',
      limits,
      instruments: new Map([[spec.id, instrument]]),
      positions: new Map(),
      freeBalances: new Map([
        ['USDT', Decimal.parse('1000000000')],
        ['BTC', Decimal.parse('1000000')],
      ]),
      lastPrices: new Map(),
      openOrders: book.size,
      knownOrderIds: known,
      submitThrottle: throttle,
    });
    known.add(request.clientOrderId);
    if (denial) throw new Error(`baseline denied an order: ${denial.message}`);
    const order = applyOrderEvent(createOrder(request, instrument, Date.now()), { type: 'Submitted' }).order;
    book.set(order.clientOrderId, order);
    portfolio = onOrderEvent(portfolio, order, 'Submitted').book;
  }
  return batch.length / ((performance.now() - started) / 1000);
}

/**
 * The pipeline's actors; with a store, as the node runs them: each commit (state or journaled messages, progress,
 * order events and their views) written to LMDB before the commit's messages leave.
 */
export async function startPipeline(
  placement: 'inline' | 'worker',
  store?: FoxtrotStore,
): Promise<ActorSystem> {
  const actor = (name: string, exportName: string, input: unknown): ActorStart => ({
    actor: { module: siblingModule(`../../actors/${name}/worker`, import.meta.url), export: exportName },
    placement,
    persist: store !== undefined,
    // The node's snapshot interval. Orders here never close (the sink answers none), so each snapshot is larger
    // than the last: the figure is a floor for a node, whose open orders risk bounds.
    ...(store === undefined ? {} : { snapshotEvery: { messages: 1000, ms: 5000 } }),
    input,
  });
  const system = await ActorSystem.start(
    {
      id: `orders-${placement}${store === undefined ? '' : '-journaled'}`,
      flags: { strategy: 'one_for_one' },
      children: [
        {
          id: 'venue-SIM',
          start: {
            actor: {
              module: siblingModule('../actors/venue-sink', import.meta.url),
              export: 'venueSinkActor',
            },
            placement,
            persist: false,
          },
        },
        {
          id: 'execution',
          // The sink never answers, so every order stays in flight: asking it about them would measure nothing.
          start: actor('execution', 'executionActor', {
            instruments: [spec],
            notifyStrategies: false,
            inFlightCheckMs: 0,
            portfolioId: 'portfolio',
          }),
        },
        {
          id: 'portfolio',
          start: actor('portfolio', 'portfolioActor', { instruments: [spec], riskId: 'risk' }),
        },
        { id: 'risk', start: actor('risk', 'riskActor', { instruments: [spec], limits }) },
      ],
    },
    store === undefined ? {} : { snapshots: new LmdbSnapshotStore(store) },
  );
  // The portfolio locks what each order may spend and tells risk the free balances: fund it for every round.
  const portfolio = system.ref('portfolio', portfolioProtocol);
  portfolio.tell('deposit', { currency: 'USDT', amount: '1000000000000' });
  portfolio.tell('deposit', { currency: 'BTC', amount: '1000000000' });
  await portfolio.ask('snapshot', {});
  // The balances travel portfolio -> risk on their own link: give them time to land before the first order.
  await new Promise((resolve) => setTimeout(resolve, 200));
  await system.ref('risk', riskProtocol).ask('status', {});
  return system;
}

/** Orders each system's venue sink has been sent since it started: the sink answers when it has them all. */
const sentToVenue = new WeakMap<ActorSystem, number>();

export async function throughActors(system: ActorSystem, batch: OrderRequest[]): Promise<number> {
  const venue = system.ref('venue-SIM', venueSinkProtocol);
  const total = (sentToVenue.get(system) ?? 0) + batch.length;
  sentToVenue.set(system, total);
  const done = venue.ask('expect', { total }, { timeoutMs: 300_000 });
  const risk = system.ref('risk', riskProtocol);
  const started = performance.now();
  // Like a producer should: as many as fit now (one batch per turn), waiting only when the window is full.
  for (const order of batch) {
    if (!risk.tell('submit', { order })) await risk.send('submit', { order }, { timeoutMs: 60_000 });
  }
  await done;
  return batch.length / ((performance.now() - started) / 1000);
}

/** Orders sent before a repetition's timed batch: its fresh actors' code is warm, as a node's is. */
const WARM_UP_ORDERS = 20_000;

/**
 * The batch's rate through a pipeline of its own (`start`), after WARM_UP_ORDERS. Each repetition runs on actors of
 * its own (journaled, on a store of its own too), as the baseline starts each one from an empty book. Orders here
 * never close (the sink answers none): actors kept across repetitions would hold every earlier repetition's orders
 * open, 800,000 by the last of a full run, which risk's open-order limit keeps a node from doing (the node's default
 * is 200). With kept actors one full run's repetitions spread from 27 k to 65 k orders/s, and execution's snapshots
 * grew until one blocked its thread for longer than the heartbeat allows (seen at 500,000 open orders).
 */
export async function throughFreshPipeline(
  start: () => Promise<ActorSystem>,
  batch: OrderRequest[],
): Promise<number> {
  const system = await start();
  try {
    await throughActors(system, orders(WARM_UP_ORDERS));
    return await throughActors(system, batch);
  } finally {
    await system.stop();
  }
}

async function throughFreshActors(
  placement: 'inline' | 'worker',
  batch: OrderRequest[],
  journaled = false,
): Promise<number> {
  if (!journaled) return throughFreshPipeline(() => startPipeline(placement), batch);
  const dir = mkdtempSync(join(tmpdir(), 'foxtrot-bench-orders-'));
  const store = FoxtrotStore.open(dir);
  try {
    return await throughFreshPipeline(() => startPipeline(placement, store), batch);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const ordersBench = defineBench({
  name: 'orders',
  description:
    'Orders through risk (every pre-trade check), execution (order state table) to the venue and the portfolio (balance locks, told back to risk): actors in ' +
    'worker threads and inline, and in worker threads committing to the LMDB journal as the node does, against the ' +
    'same steps as plain function calls in one thread. Each repetition runs on actors of its own (journaled, and a ' +
    `store of its own), after ${WARM_UP_ORDERS.toLocaleString('en-US')} orders to warm them up, as the baseline ` +
    'starts from an empty book.',
  baseline: 'plain-functions',
  metrics: { rate: { unit: 'orders/s', better: 'higher' } },
  async setup(quick) {
    return { count: quick ? 20_000 : 100_000 };
  },
  variants: {
    'plain-functions': async (c) => ({ rate: plainPipeline(orders(c.count)) }),
    'actors-inline': async (c) => ({ rate: await throughFreshActors('inline', orders(c.count)) }),
    'actors-workers': async (c) => ({ rate: await throughFreshActors('worker', orders(c.count)) }),
    'actors-workers-journaled': async (c) => ({
      rate: await throughFreshActors('worker', orders(c.count), true),
    }),
  },
  // Each repetition stops the actors it started.
  teardown: async () => undefined,
  targets: [
    {
      description: 'orders through risk, execution and the journal (LMDB, worker threads) >= 50,000/s',
      variant: 'actors-workers-journaled',
      metric: 'rate',
      check: (value) => value >= 50_000,
    },
    {
      description: 'orders through risk -> execution -> portfolio across worker threads >= 50,000/s',
      variant: 'actors-workers',
      metric: 'rate',
      check: (value) => value >= 50_000,
    },
  ],
});
