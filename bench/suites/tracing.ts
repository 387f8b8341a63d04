import type { ActorSystem } from '../../src/index.ts';
import { resolveTelemetry, telemetryConfigFromEnv } from '../../src/telemetry/settings.ts';
import { resetThreadTelemetry, ThreadTelemetry } from '../../src/telemetry/thread-telemetry.ts';
import { defineBench } from '../lib/harness.ts';
import { type OtlpSink, startOtlpSink } from '../lib/otlp-sink.ts';
import { orders, startPipeline, throughFreshPipeline } from './orders.ts';
import { startTickPipeline, ticksToOrders } from './tick-to-order.ts';

type TracingMode = 'off' | 'orders' | 'everything';

const TRACING_VARIABLES = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'FOXTROT_TRACES_HIGH_RATE_RATIO'] as const;

/** The variables a mode gives the workers of a pipeline (each thread reads them as it boots). */
function variables(mode: TracingMode, sink: OtlpSink): Record<string, string> {
  if (mode === 'off') return {};
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint,
    // `orders`: the node's default, every order traced and market data at 1%; `everything`: all of it.
    FOXTROT_TRACES_HIGH_RATE_RATIO: mode === 'everything' ? '1' : '0.01',
  };
}

/** Starts a pipeline with its workers booting under the mode's variables, then puts the environment back. */
async function underMode<T>(mode: TracingMode, sink: OtlpSink, start: () => Promise<T>): Promise<T> {
  const saved = TRACING_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of TRACING_VARIABLES) delete process.env[name];
  Object.assign(process.env, variables(mode, sink));
  try {
    return await start();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/**
 * The main thread sends the bench's ticks and orders: it traces like a node's venue (ticks start traces sampled
 * at the high-rate ratio), whatever ran before in this process.
 */
async function tracingMainThread(sink: OtlpSink): Promise<void> {
  const env = { ...process.env, ...variables('orders', sink) };
  const settings = resolveTelemetry(telemetryConfigFromEnv(env), env);
  await resetThreadTelemetry(await new ThreadTelemetry(settings, 'main').ready());
}

const MODES: Record<string, TracingMode> = {
  'tracing-off': 'off',
  'orders-sampled': 'orders',
  'everything-sampled': 'everything',
};

export const tracingOrdersBench = defineBench({
  name: 'tracing-orders',
  description:
    'Orders through risk, execution and the portfolio in worker threads (the orders bench), with tracing off and ' +
    'with every order traced (a CONSUMER and a PRODUCER span per hop) and exported over OTLP/HTTP to a local sink; ' +
    'each repetition on actors of its own, as in the orders bench.',
  baseline: 'tracing-off',
  metrics: { rate: { unit: 'orders/s', better: 'higher' } },
  async setup(quick) {
    const sink = await startOtlpSink();
    await tracingMainThread(sink);
    return { sink, count: quick ? 20_000 : 100_000 };
  },
  variants: {
    'tracing-off': async (c) => ({
      rate: await throughFreshPipeline(
        () => underMode('off', c.sink, () => startPipeline('worker')),
        orders(c.count),
      ),
    }),
    'orders-sampled': async (c) => ({
      rate: await throughFreshPipeline(
        () => underMode('orders', c.sink, () => startPipeline('worker')),
        orders(c.count),
      ),
    }),
  },
  async teardown(c) {
    await resetThreadTelemetry();
    await c.sink.close();
  },
  targets: [
    {
      description: 'tracing on (orders always sampled) costs at most 20% of order throughput',
      variant: 'orders-sampled',
      metric: 'rate',
      check: (value, baseline) => value >= 0.8 * baseline,
    },
  ],
});

const TICK_RATE = 1000;

export const tracingTickToOrderBench = defineBench({
  name: 'tracing-tick-to-order',
  description:
    `Tick to order latency (the tick-to-order-1k bench: market data, strategy, risk, execution in workers, an order ` +
    `per tick at ${TICK_RATE} ticks/s) with tracing off, with orders traced and ticks sampled at 1% (the node's ` +
    'default), and with everything traced, exporting over OTLP/HTTP to a local sink.',
  baseline: 'tracing-off',
  metrics: { p50: { unit: 'us', better: 'lower' }, p99: { unit: 'us', better: 'lower' } },
  async setup(quick) {
    const sink = await startOtlpSink();
    await tracingMainThread(sink);
    const systems: Record<string, ActorSystem> = {};
    for (const [variant, mode] of Object.entries(MODES)) {
      systems[variant] = await underMode(mode, sink, () => startTickPipeline(1));
    }
    return { sink, systems, count: TICK_RATE * (quick ? 1 : 3) };
  },
  variants: Object.fromEntries(
    Object.keys(MODES).map((variant) => [
      variant,
      (c: { systems: Record<string, ActorSystem>; count: number }) =>
        ticksToOrders(c.systems[variant] as ActorSystem, c.count, TICK_RATE, 1, { trace: 'high-rate' }),
    ]),
  ),
  async teardown(c) {
    for (const system of Object.values(c.systems)) await system.stop();
    await resetThreadTelemetry();
    await c.sink.close();
  },
});
