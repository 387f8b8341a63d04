import { type Attributes, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BatchSpanProcessor, type ReadableSpan, TracerProvider } from '@opentelemetry/sdk-trace';
import { defineBench } from '../lib/harness.ts';

/**
 * An exporter that exports nowhere: it counts, and with `encode` encodes each batch as the OTLP/HTTP protobuf
 * exporter does before it posts, so that the figure is the SDK's cost in this thread and no network's.
 */
class CountingExporter {
  spans = 0;
  constructor(private readonly encode: boolean) {}
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.spans += spans.length;
    if (this.encode) ProtobufTraceSerializer.serializeRequest(spans);
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
}

interface SdkTracer {
  tracer: Tracer;
  provider: TracerProvider | undefined;
  exporter: CountingExporter | undefined;
}

function sdkTracer(encode: boolean): SdkTracer {
  const exporter = new CountingExporter(encode);
  // The node's settings for the order path: a queue that never drops at these rates, batches of 256.
  const provider = new TracerProvider({
    spanProcessors: [
      new BatchSpanProcessor({
        exporter,
        maxQueueSize: 65_536,
        maxExportBatchSize: 256,
        scheduledDelayMillis: 5,
      }),
    ],
  });
  return { tracer: provider.getTracer('foxtrot-bench'), provider, exporter };
}

/**
 * Makes `count` spans as a handling span is made (ActorTelemetry.begin/end: a CONSUMER span with the messaging
 * attributes, then the state before and after, the mailbox depth, the context fields changed), yielding to the
 * event loop now and then so the batch processor exports as it goes; returns microseconds per span, exports
 * included.
 */
async function spanCost(made: SdkTracer, count: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    const attributes: Attributes = {
      'messaging.system': 'foxtrot',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'risk',
      'messaging.message.id': `m-${i}`,
      'foxtrot.actor.id': 'risk',
      'foxtrot.actor.kind': 'risk',
      'foxtrot.message.type': 'submit',
    };
    const span = made.tracer.startSpan('process submit', { kind: SpanKind.CONSUMER, attributes });
    span.setAttribute('foxtrot.actor.state.before', 'ACTIVE');
    span.setAttribute('foxtrot.mailbox.depth', 3);
    span.setAttribute('foxtrot.actor.state.after', 'ACTIVE');
    span.setAttribute('foxtrot.actor.context.changed', ['lastDecision', 'openOrders', 'openOrderCount']);
    span.end();
    if ((i & 1023) === 1023) await new Promise((resolve) => setImmediate(resolve));
  }
  await made.provider?.forceFlush();
  const elapsed = performance.now() - started;
  if (made.exporter !== undefined && made.exporter.spans < count) {
    throw new Error(`the batch processor exported ${made.exporter.spans} of ${count} spans`);
  }
  return (elapsed * 1000) / count;
}

/** The cost per span on a fresh SDK tracer, shut down after. */
async function sdkSpanCost(encode: boolean, count: number): Promise<number> {
  const made = sdkTracer(encode);
  try {
    return await spanCost(made, count);
  } finally {
    await made.provider?.shutdown();
  }
}

export const otelSpanBench = defineBench({
  name: 'otel-span',
  description:
    'What one handling span costs in the thread that makes it with the OpenTelemetry JS SDK (TracerProvider, ' +
    'BatchSpanProcessor): made and ended into an exporter that only counts, and made and encoded as OTLP protobuf ' +
    "as the node's exporter does before posting; against the API's no-op tracer (what tracing off costs).",
  baseline: 'noop-tracer',
  metrics: { cost: { unit: 'us/span', better: 'lower' } },
  async setup(quick) {
    return {
      count: quick ? 50_000 : 200_000,
      noop: { tracer: trace.getTracer('foxtrot-bench-noop'), provider: undefined, exporter: undefined },
    };
  },
  variants: {
    'noop-tracer': async (c) => ({ cost: await spanCost(c.noop, c.count) }),
    'sdk-made': async (c) => ({ cost: await sdkSpanCost(false, c.count) }),
    'sdk-made-protobuf': async (c) => ({ cost: await sdkSpanCost(true, c.count) }),
  },
  async teardown() {},
});
