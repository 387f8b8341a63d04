import type { IncomingMessage, ServerResponse } from 'node:http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { type ThreadMetrics, ThreadsMetricProducer } from './metric-collection.ts';

/** Serves every thread's metrics in the Prometheus text format, collected from all of them at each scrape. */
export interface PrometheusEndpoint {
  handle(request: IncomingMessage, response: ServerResponse): void;
  shutdown(): Promise<void>;
}

export function createPrometheusEndpoint(
  serviceName: string,
  sources: () => Promise<ThreadMetrics[]>,
): PrometheusEndpoint {
  const exporter = new PrometheusExporter({
    preventServerStart: true,
    metricProducers: [new ThreadsMetricProducer(sources)],
  });
  // The exporter reads through a meter provider; this one has no instruments of its own, only the threads'.
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    readers: [exporter],
  });
  return {
    handle: (request, response) => exporter.getMetricsRequestHandler(request, response),
    shutdown: () => provider.shutdown(),
  };
}
