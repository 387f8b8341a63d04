import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface CollectorConfig {
  receivers: Record<string, { protocols?: Record<string, { endpoint: string }> }>;
  processors: Record<string, unknown>;
  exporters: Record<string, Record<string, unknown>>;
  extensions?: Record<string, unknown>;
  service: {
    extensions?: string[];
    pipelines: Record<string, Record<'receivers' | 'processors' | 'exporters', string[]>>;
  };
}

/* No collector binary runs in CI: this checks what the collector itself would refuse at start. */
describe('otel-collector.yaml', () => {
  const config = parse(
    readFileSync(new URL('../../otel-collector.yaml', import.meta.url), 'utf8'),
  ) as CollectorConfig;

  it('receives OTLP on 4317 (gRPC) and 4318 (HTTP), batches, and exports to Jaeger, debug and Prometheus', () => {
    expect(config.receivers.otlp?.protocols?.grpc?.endpoint).toMatch(/:4317$/);
    expect(config.receivers.otlp?.protocols?.http?.endpoint).toMatch(/:4318$/);
    expect(config.processors).toHaveProperty('batch');
    expect(config.exporters['otlp/jaeger']?.endpoint).toBeDefined();
    expect(config.exporters).toHaveProperty('debug');
    expect(config.exporters.prometheus?.endpoint).toBeDefined();
    expect(config.service.pipelines.traces?.exporters).toEqual(
      expect.arrayContaining(['otlp/jaeger', 'debug']),
    );
    expect(config.service.pipelines.metrics?.exporters).toContain('prometheus');
  });

  it('uses only components it defines, as the collector requires', () => {
    const sections = {
      receivers: config.receivers,
      processors: config.processors,
      exporters: config.exporters,
    };
    for (const pipeline of Object.values(config.service.pipelines)) {
      for (const [kind, names] of Object.entries(pipeline)) {
        for (const name of names)
          expect(Object.keys(sections[kind as keyof typeof sections])).toContain(name);
      }
    }
    for (const name of config.service.extensions ?? [])
      expect(Object.keys(config.extensions ?? {})).toContain(name);
  });
});
