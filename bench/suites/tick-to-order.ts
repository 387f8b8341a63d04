import { marketDataProtocol } from '../../actors/market-data/protocol.ts';
import { riskProtocol } from '../../actors/risk/protocol.ts';
import { type ActorStart, ActorSystem, type EnvelopeOptions, siblingModule } from '../../src/index.ts';
import { createEnvelope } from '../../src/runtime/envelope.ts';
import type { LinkMessage } from '../../src/runtime/wire.ts';
import { latencySinkProtocol } from '../actors/latency-sink.ts';
import { type RelayInput, relayProtocol } from '../actors/relay.ts';
import { type RawChain, startRawChain } from '../baselines/hop-chain.ts';
import { defineBench } from '../lib/harness.ts';
import { benchSpec } from '../lib/instrument.ts';
import { percentile } from '../lib/stats.ts';

const spec = benchSpec;

/** main -> market data -> strategy -> risk -> execution -> venue: five hops between threads. */
const HOPS = 5;
/** The hop into the strategy, counting from 0: from there on only the ticks it orders on go further. */
const STRATEGY_HOP = 1;

const now = () => performance.timeOrigin + performance.now();

/**
 * Sends `count` items at `rate` per second on a 1 ms timer (so 10,000/s leaves in bursts of 10, as a feed does),
 * and returns when each was sent.
 */
async function paced(count: number, rate: number, send: (index: number) => void): Promise<number[]> {
  const sent: number[] = [];
  const started = performance.now();
  let index = 0;
  while (index < count) {
    const due = Math.min(count, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
    for (; index < due; index += 1) {
      sent.push(now());
      send(index);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return sent;
}

/** Bid prices number the ticks: tick k bids BASE + k cents, so an order at that bid names its tick. */
const BASE_CENTS = 4_000_000;
const bidOf = (index: number) => ((BASE_CENTS + index) / 100).toFixed(2);
const indexOf = (price: string) => Math.round(Number(price) * 100) - BASE_CENTS;

function quote(index: number) {
  const ask = ((BASE_CENTS + index + 100) / 100).toFixed(2);
  return {
    instrumentId: spec.id,
    bid: bidOf(index),
    ask,
    bidSize: '1.000',
    askSize: '1.000',
    ts: Date.now(),
  };
}

async function gather<T>(collect: () => Promise<T[]>, expected: number, timeoutMs: number): Promise<T[]> {
  const items: T[] = [];
  const deadline = Date.now() + timeoutMs;
  while (items.length < expected) {
    if (Date.now() > deadline) throw new Error(`only ${items.length} of ${expected} arrived`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    items.push(...(await collect()));
  }
  return items;
}

function percentiles(samples: number[]) {
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/** Where the orders (or the relays' ticks) end: it records when each arrives and which tick caused it. */
const latencySink: ActorStart = {
  actor: { module: siblingModule('../actors/latency-sink', import.meta.url), export: 'latencySinkActor' },
  persist: false,
};

export async function startTickPipeline(every: number): Promise<ActorSystem> {
  const actor = (folder: string, exportName: string, input: unknown): ActorStart => ({
    actor: { module: siblingModule(`../../actors/${folder}/worker`, import.meta.url), export: exportName },
    persist: false,
    input,
  });
  const system = await ActorSystem.start({
    id: 'tick-to-order',
    flags: { strategy: 'one_for_one' },
    children: [
      {
        id: 'adapter-SIM',
        start: latencySink,
      },
      {
        id: 'execution',
        start: actor('execution', 'executionActor', {
          instruments: [spec],
          venues: { SIM: 'adapter-SIM' },
          inFlightCheckMs: 0,
        }),
      },
      {
        id: 'risk',
        start: actor('risk', 'riskActor', {
          instruments: [spec],
          limits: { maxOpenOrders: 10_000_000, submitRatePerSecond: 1_000_000 },
        }),
      },
      {
        id: 'market-data',
        start: actor('market-data', 'marketDataActor', { adapters: { SIM: 'adapter-SIM' } }),
      },
      {
        id: 'strategy-bench',
        start: actor('strategy-host', 'strategyHostActor', {
          strategy: siblingModule('../strategies/order-per-tick', import.meta.url).href,
          params: { instrumentId: spec.id, every },
          instruments: [spec],
        }),
      },
    ],
  });
  system.ref('risk', riskProtocol).tell('balance', { currency: 'USDT', free: '1000000000000' });
  await system.ref('risk', riskProtocol).ask('status', {});
  // The strategy subscribes as it starts: wait until market data has it.
  const marketData = system.ref('market-data', marketDataProtocol);
  const deadline = Date.now() + 10_000;
  while ((await marketData.ask('stats', {})).subscribers.length === 0) {
    if (Date.now() > deadline) throw new Error('the bench strategy never subscribed');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return system;
}

/** What arrived at the end of a chain: the bid that numbers its tick, and when (epoch ms, us resolution). */
interface Arrival {
  price: string;
  at: number;
}

/** p50 and p99 from each tick's sending to the arrival of what it caused, in us. */
async function latencies(collect: () => Promise<Arrival[]>, sent: number[], expected: number) {
  const arrivals = await gather(collect, expected, 60_000);
  return percentiles(arrivals.map(({ price, at }) => (at - (sent[indexOf(price)] as number)) * 1000));
}

function sinkArrivals(system: ActorSystem, sinkId: string): () => Promise<Arrival[]> {
  const sink = system.ref(sinkId, latencySinkProtocol);
  return async () => (await sink.ask('collect', {})).arrivals;
}

/** Sends `count` ticks into a pipeline's market data at `rate`; p50 and p99 from each tick to its order, in us. */
export async function ticksToOrders(
  system: ActorSystem,
  count: number,
  rate: number,
  every: number,
  options?: EnvelopeOptions,
) {
  const marketData = system.ref('market-data', marketDataProtocol);
  const sent = await paced(count, rate, (index) => marketData.tell('quote', quote(index), options));
  return latencies(sinkArrivals(system, 'adapter-SIM'), sent, Math.floor(count / every));
}

/** The runtime's floor: HOPS - 1 relays in workers that only pass each message on, then the latency sink. */
async function startRelayChain(): Promise<ActorSystem> {
  const relays = Array.from({ length: HOPS - 1 }, (_, k) => {
    const input: RelayInput = { next: k === HOPS - 2 ? 'sink' : `relay-${k + 2}` };
    return {
      id: `relay-${k + 1}`,
      start: {
        actor: { module: siblingModule('../actors/relay', import.meta.url), export: 'relayActor' },
        persist: false,
        input,
      },
    };
  });
  return ActorSystem.start({
    id: 'tick-relays',
    flags: { strategy: 'one_for_one' },
    children: [
      {
        id: 'sink',
        start: latencySink,
      },
      ...relays.reverse(),
    ],
  });
}

/** Every tick through the relay chain at `rate`, as an order would carry its bid. */
async function ticksThroughRelays(system: ActorSystem, count: number, rate: number) {
  const first = system.ref('relay-1', relayProtocol);
  const sent = await paced(count, rate, (index) => first.tell('submit', { order: { price: bidOf(index) } }));
  return latencies(sinkArrivals(system, 'sink'), sent, count);
}

/**
 * The transport's floor for what the pipeline carries: bare relays (no runtime, no work) pass on the link messages
 * the runtime would post, each tick an envelope from createEnvelope in a batch of its own (a link posts at once to
 * a peer that keeps up, see PIPELINE_DEPTH); past the strategy's hop only every `every`-th tick's envelope goes on,
 * standing in for its order.
 */
function startEnvelopeChain(every: number): RawChain<Arrival> {
  return startRawChain<Arrival>(HOPS, {
    relay: new URL('../baselines/workers/envelope-relay.mjs', import.meta.url),
    workerData: (hop) => (hop === STRATEGY_HOP ? { keepEvery: every } : {}),
  });
}

async function ticksThroughRawEnvelopes(
  chain: RawChain<Arrival>,
  count: number,
  rate: number,
  every: number,
) {
  let seq = 1;
  const sent = await paced(count, rate, (index) => {
    const message: LinkMessage = {
      t: 'batch',
      s: seq,
      e: [createEnvelope('bench', 'market-data', 'quote', quote(index))],
    };
    seq += 1;
    chain.send(message);
  });
  return latencies(() => chain.collect(), sent, Math.floor(count / every));
}

/**
 * The strategy orders on every `every`-th tick: every tick goes through market data and the strategy, and the
 * orders go on through risk and execution at rate / every per second.
 */
function tickToOrderBench(rate: number, every: number) {
  const label = rate >= 1000 ? `${rate / 1000}k` : String(rate);
  return defineBench({
    name: `tick-to-order-${label}`,
    description:
      `Latency from a quote tick entering market data to the order it causes arriving at the venue, through a ` +
      `strategy, risk and execution each in its own worker, at ${rate} ticks/s with an order on every ` +
      `${every === 1 ? 'tick' : `${every}th tick`}; against ${HOPS} raw postMessage hops between bare workers ` +
      `for every tick at the same rate. relay-actors: every tick through ${HOPS} hops of the runtime whose ` +
      'actors only pass it on (the floor the runtime sets before any trading work). raw-envelopes: the ' +
      "runtime's link messages of tick envelopes, one envelope each as a link posts to a peer that keeps up, " +
      "through bare relays, past the strategy's hop only the ticks it orders on (the floor the transport sets for " +
      'what the runtime carries, before the runtime does anything).',
    baseline: 'raw-hops',
    metrics: { p50: { unit: 'us', better: 'lower' }, p99: { unit: 'us', better: 'lower' } },
    async setup(quick) {
      const seconds = quick ? 1 : 3;
      return {
        count: rate * seconds,
        chain: startRawChain(HOPS),
        envelopeChain: startEnvelopeChain(every),
        system: await startTickPipeline(every),
        relays: await startRelayChain(),
      };
    },
    variants: {
      'raw-hops': async (c) => {
        const sent = await paced(c.count, rate, (index) => c.chain.send({ index, tick: quote(index) }));
        const arrivals = await gather(() => c.chain.collect(), c.count, 60_000);
        // One FIFO path and every message arrives: the k-th arrival is the k-th tick.
        return percentiles(sent.map((at, k) => ((arrivals[k] as number) - at) * 1000));
      },
      'raw-envelopes': (c) => ticksThroughRawEnvelopes(c.envelopeChain, c.count, rate, every),
      'relay-actors': (c) => ticksThroughRelays(c.relays, c.count, rate),
      actors: (c) => ticksToOrders(c.system, c.count, rate, every),
    },
    async teardown(c) {
      await c.chain.close();
      await c.envelopeChain.close();
      await c.system.stop();
      await c.relays.stop();
    },
    targets:
      rate >= 10_000
        ? [
            {
              description: 'p50 < 250 us at 10,000 ticks/s',
              variant: 'actors',
              metric: 'p50',
              check: (v) => v < 250,
            },
            {
              description: 'p99 < 1 ms at 10,000 ticks/s',
              variant: 'actors',
              metric: 'p99',
              check: (v) => v < 1000,
            },
          ]
        : [],
  });
}

export const tickToOrder1kBench = tickToOrderBench(1000, 1);
export const tickToOrder10kBench = tickToOrderBench(10_000, 10);
