import { getHeapStatistics } from 'node:v8';
import { threadId } from 'node:worker_threads';
import type { Meter, Tracer } from '@opentelemetry/api';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type MetricReader, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import { BoundMetrics } from './bound-metrics.ts';
import { LazyOtlpMetricExporter, PullMetricReader, type ThreadMetrics } from './metric-collection.ts';
import { createRuntimeInstruments, type RuntimeInstruments } from './runtime-instruments.ts';
import { resolveTelemetry, type TelemetrySettings, telemetryConfigFromEnv } from './settings.ts';

const SCOPE = 'foxtrot';

/**
 * One thread's OpenTelemetry SDK: a tracer provider with a batch span processor and an OTLP exporter (only when an
 * endpoint is configured: otherwise there is no tracer at all and tracing costs a null check), and a meter provider
 * read on demand (for the admin endpoint's /metrics) and, with an endpoint, pushed over OTLP.
 */
export class ThreadTelemetry {
  tracer: Tracer | undefined;
  readonly meter: Meter;
  readonly instruments: RuntimeInstruments;
  private tracerProvider: TracerProvider | undefined;
  private readonly meterProvider: MeterProvider;
  private readonly pull: PullMetricReader;
  private readonly resource: Resource;
  private loading: Promise<void> | undefined;

  constructor(
    readonly settings: TelemetrySettings,
    readonly thread: string,
  ) {
    const resource = resourceFromAttributes({
      'service.name': settings.serviceName,
      'service.instance.id': `${process.pid}`,
      'process.pid': process.pid,
      'thread.id': threadId,
      'thread.name': thread,
    });
    this.resource = resource;
    const bound = new BoundMetrics({ name: SCOPE });
    this.pull = new PullMetricReader({ metricProducers: [bound] });
    const readers: MetricReader[] = [this.pull];
    if (settings.metrics.otlp) {
      readers.push(
        new PeriodicExportingMetricReader({
          exporter: new LazyOtlpMetricExporter(settings.metrics.url),
          exportIntervalMillis: settings.metrics.intervalMs,
          metricProducers: [bound],
        }),
      );
    }
    this.meterProvider = new MeterProvider({ resource, readers });
    this.meter = this.meterProvider.getMeter(SCOPE);
    this.instruments = createRuntimeInstruments(this.meter, bound);
    // Memory per thread (an actor's worker, or the main thread with the supervisors and the store): RSS is one
    // figure for the whole process. Tagged with the thread like every metric of this thread (see THREAD_ATTRIBUTE).
    this.meter
      .createObservableGauge('foxtrot.thread.heap.used', {
        description: "The V8 heap a thread uses (its isolate's, not the process's RSS)",
        unit: 'By',
      })
      .addCallback((result) => result.observe(getHeapStatistics().used_heap_size));
  }

  /**
   * Loads the tracing SDK and its OTLP exporter when the settings turn tracing on: they are imported only then
   * (a noticeable part of a worker's start), so a node without an endpoint never loads them.
   */
  ready(): Promise<this> {
    this.loading ??= this.loadTracing();
    return this.loading.then(() => this);
  }

  private async loadTracing(): Promise<void> {
    const tracing = this.settings.tracing;
    if (!tracing.enabled) return;
    const [{ BatchSpanProcessor, TracerProvider }, { OTLPTraceExporter }, { FoxtrotSampler, namedSampler }] =
      await Promise.all([
        import('@opentelemetry/sdk-trace'),
        tracing.protocol === 'http/json'
          ? import('@opentelemetry/exporter-trace-otlp-http')
          : import('@opentelemetry/exporter-trace-otlp-proto'),
        import('./sampler.ts'),
      ]);
    const provider = new TracerProvider({
      resource: this.resource,
      sampler: new FoxtrotSampler(namedSampler(tracing.sampler, tracing.samplerRatio), tracing.highRateRatio),
      spanProcessors: [
        new BatchSpanProcessor({
          exporter: new OTLPTraceExporter({
            ...(tracing.url ? { url: tracing.url } : {}),
            // A flush (at a stop, or before a failing thread is torn down) exports the whole queue at once: the
            // exporter's default limit of 30 concurrent exports would drop the batches beyond it.
            concurrencyLimit: Math.ceil(tracing.queueSize / tracing.batchSize) + 1,
          }),
          maxQueueSize: tracing.queueSize,
          maxExportBatchSize: tracing.batchSize,
          scheduledDelayMillis: tracing.delayMs,
          exportTimeoutMillis: tracing.exportTimeoutMs,
          // Spans dropped on a full queue are counted as otel.sdk.processor.span.processed{error.type=queue_full}.
          selfObsMeterProvider: this.meterProvider,
        }),
      ],
    });
    this.tracerProvider = provider;
    this.tracer = provider.getTracer(SCOPE);
  }

  /** This thread's metrics as they stand, as plain data another thread can merge (see metric-collection). */
  collectMetrics(): Promise<ThreadMetrics> {
    return this.pull.collectPlain(this.thread);
  }

  /** Exports what is buffered; a failed or slow export is given up after `timeoutMs`, never thrown. */
  async flush(timeoutMs = 2000): Promise<void> {
    const flushes = [this.tracerProvider?.forceFlush(), this.meterProvider.forceFlush()].map((flush) =>
      Promise.resolve(flush).catch(() => undefined),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    });
    await Promise.race([Promise.all(flushes), timeout]);
    clearTimeout(timer);
  }

  async shutdown(): Promise<void> {
    await this.flush();
    await Promise.all([this.tracerProvider?.shutdown(), this.meterProvider.shutdown()]).catch(
      () => undefined,
    );
  }
}

let current: ThreadTelemetry | undefined;

/**
 * This thread's telemetry, made on first use from the environment (FOXTROT_TELEMETRY and OTEL_*), which workers
 * inherit from the thread that started them. `thread` names the thread on its resource: the first caller's wins.
 * Tracing starts once `ready()` has loaded it (initThreadTelemetry).
 */
export function threadTelemetry(thread = 'main'): ThreadTelemetry {
  current ??= new ThreadTelemetry(resolveTelemetry(telemetryConfigFromEnv()), thread);
  return current;
}

/** This thread's telemetry with tracing and OTLP export loaded, as configured: awaited before actors start. */
export function initThreadTelemetry(thread = 'main'): Promise<ThreadTelemetry> {
  return threadTelemetry(thread).ready();
}

/** Replaces this thread's telemetry (tests, and an embedding application configuring it in code). */
export async function resetThreadTelemetry(next?: ThreadTelemetry): Promise<void> {
  const previous = current;
  current = next;
  await previous?.shutdown();
}
