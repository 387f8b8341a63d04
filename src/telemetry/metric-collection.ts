import type { ExportResult } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import {
  type CollectionResult,
  type MetricData,
  type MetricProducer,
  MetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';

/** One thread's metrics as plain, cloneable data: what a worker hands the main thread for /metrics. */
export interface ThreadMetrics {
  thread: string;
  scopeMetrics: ScopeMetrics[];
}

/** The attribute naming the thread a data point came from, so that equal series of two threads stay apart. */
export const THREAD_ATTRIBUTE = 'foxtrot.thread';

/** A reader that collects only when asked: every thread has one, read by the main thread on a scrape. */
export class PullMetricReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}

  /** The metrics as they stand; plain data, which postMessage clones on its way to the main thread. */
  async collectPlain(thread: string): Promise<ThreadMetrics> {
    const { resourceMetrics } = await this.collect();
    return { thread, scopeMetrics: resourceMetrics.scopeMetrics };
  }
}

function tagged(metric: MetricData, thread: string): MetricData {
  const dataPoints = metric.dataPoints.map((point) => ({
    ...point,
    attributes: { ...point.attributes, [THREAD_ATTRIBUTE]: thread },
  }));
  return { ...metric, dataPoints } as MetricData;
}

/**
 * Merges the metrics of several threads into one collection: the data points of a metric from every thread go
 * under that metric once, each tagged with its thread.
 */
export function mergeThreadMetrics(threads: readonly ThreadMetrics[]): ScopeMetrics[] {
  const scopes = new Map<string, { scope: ScopeMetrics['scope']; metrics: Map<string, MetricData> }>();
  for (const { thread, scopeMetrics } of threads) {
    for (const { scope, metrics } of scopeMetrics) {
      const scopeKey = `${scope.name}@${scope.version ?? ''}`;
      let entry = scopes.get(scopeKey);
      if (entry === undefined) {
        entry = { scope, metrics: new Map() };
        scopes.set(scopeKey, entry);
      }
      for (const metric of metrics) {
        const mine = tagged(metric, thread);
        const known = entry.metrics.get(metric.descriptor.name);
        if (known === undefined) entry.metrics.set(metric.descriptor.name, mine);
        else if (known.dataPointType === mine.dataPointType) {
          (known.dataPoints as unknown[]).push(...mine.dataPoints);
        }
      }
    }
  }
  return [...scopes.values()].map(({ scope, metrics }) => ({ scope, metrics: [...metrics.values()] }));
}

/** A metric producer over many threads: what the Prometheus exporter of the admin endpoint reads. */
export class ThreadsMetricProducer implements MetricProducer {
  constructor(private readonly sources: () => Promise<ThreadMetrics[]>) {}

  async collect(): Promise<CollectionResult> {
    const errors: unknown[] = [];
    let threads: ThreadMetrics[] = [];
    try {
      threads = await this.sources();
    } catch (error) {
      errors.push(error);
    }
    return {
      resourceMetrics: { resource: emptyResource(), scopeMetrics: mergeThreadMetrics(threads) },
      errors,
    };
  }
}

/** The OTLP metric exporter, imported on its first export: a thread that never pushes never loads it. */
export class LazyOtlpMetricExporter implements PushMetricExporter {
  private exporter: Promise<PushMetricExporter> | undefined;

  constructor(private readonly url: string | undefined) {}

  private load(): Promise<PushMetricExporter> {
    this.exporter ??= import('@opentelemetry/exporter-metrics-otlp-http').then(
      ({ OTLPMetricExporter }) => new OTLPMetricExporter(this.url ? { url: this.url } : {}),
    );
    return this.exporter;
  }

  export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
    this.load().then(
      (exporter) => exporter.export(metrics, done),
      (error: Error) => done({ code: 1, error }),
    );
  }

  async forceFlush(): Promise<void> {
    if (this.exporter) await (await this.exporter).forceFlush();
  }

  async shutdown(): Promise<void> {
    if (this.exporter) await (await this.exporter).shutdown();
  }
}
