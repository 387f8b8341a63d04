import { describe, expect, it } from 'vitest';
import { mergeThreadMetrics, type ThreadMetrics } from '../../src/telemetry/metric-collection.ts';
import {
  DEFAULT_TELEMETRY,
  resolveTelemetry,
  TELEMETRY_ENV,
  telemetryConfigFromEnv,
} from '../../src/telemetry/settings.ts';

describe('telemetry settings', () => {
  it('turns tracing off when no endpoint is configured, so that it costs nothing', () => {
    const settings = resolveTelemetry(DEFAULT_TELEMETRY, {});
    expect(settings.tracing.enabled).toBe(false);
    expect(settings.metrics.otlp).toBe(false);
    expect(settings.serviceName).toBe('foxtrot');
  });

  it('reads the standard variables, which win over the config', () => {
    const config = {
      ...DEFAULT_TELEMETRY,
      tracing: { ...DEFAULT_TELEMETRY.tracing, endpoint: 'http://config:4318' },
    };
    const settings = resolveTelemetry(config, {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_SERVICE_NAME: 'desk-1',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_BSP_MAX_QUEUE_SIZE: '1000',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '5000',
    });
    expect(settings.serviceName).toBe('desk-1');
    expect(settings.tracing).toMatchObject({
      enabled: true,
      url: 'http://collector:4318/v1/traces',
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
      queueSize: 1000,
      // A batch is never larger than the queue.
      batchSize: 1000,
    });
    expect(settings.metrics).toMatchObject({ otlp: true, url: 'http://collector:4318/v1/metrics' });
  });

  it('uses the config endpoint when no variable gives one, and honours OTEL_SDK_DISABLED and exporter none', () => {
    const config = {
      ...DEFAULT_TELEMETRY,
      tracing: { ...DEFAULT_TELEMETRY.tracing, endpoint: 'http://config:4318' },
    };
    expect(resolveTelemetry(config, {}).tracing).toMatchObject({
      enabled: true,
      url: 'http://config:4318/v1/traces',
    });
    expect(resolveTelemetry(config, { OTEL_SDK_DISABLED: 'true' }).tracing.enabled).toBe(false);
    expect(resolveTelemetry(config, { OTEL_TRACES_EXPORTER: 'none' }).tracing.enabled).toBe(false);
    expect(resolveTelemetry(config, { OTEL_METRICS_EXPORTER: 'prometheus' }).metrics.otlp).toBe(false);
  });

  it('refuses a wrong variable, naming it and the value', () => {
    expect(() => resolveTelemetry(DEFAULT_TELEMETRY, { OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(
      /OTEL_TRACES_SAMPLER: expected one of .* got 'sometimes'/,
    );
    expect(() =>
      resolveTelemetry(DEFAULT_TELEMETRY, {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x',
        OTEL_TRACES_SAMPLER_ARG: '2',
      }),
    ).toThrow(/OTEL_TRACES_SAMPLER_ARG: expected a ratio between 0 and 1, got '2'/);
    expect(() =>
      resolveTelemetry(DEFAULT_TELEMETRY, {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x',
        OTEL_BSP_MAX_QUEUE_SIZE: '-3',
      }),
    ).toThrow(/OTEL_BSP_MAX_QUEUE_SIZE: expected a positive integer, got '-3'/);
    expect(() => resolveTelemetry(DEFAULT_TELEMETRY, { OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(
      /OTEL_TRACES_EXPORTER: expected otlp, prometheus or none, got 'zipkin'/,
    );
  });

  it("reads the node's config from the environment its workers inherit, and refuses a bad one", () => {
    expect(telemetryConfigFromEnv({})).toEqual(DEFAULT_TELEMETRY);
    const config = { ...DEFAULT_TELEMETRY, serviceName: 'n2' };
    expect(telemetryConfigFromEnv({ [TELEMETRY_ENV]: JSON.stringify(config) })).toEqual(config);
    expect(() => telemetryConfigFromEnv({ [TELEMETRY_ENV]: '{' })).toThrow(/FOXTROT_TELEMETRY: not JSON/);
    expect(() =>
      telemetryConfigFromEnv({ [TELEMETRY_ENV]: JSON.stringify({ ...config, serviceName: '' }) }),
    ).toThrow(/invalid telemetry config in FOXTROT_TELEMETRY: serviceName/);
  });
});

describe('metrics of several threads', () => {
  const counter = (value: number, actor: string): ThreadMetrics['scopeMetrics'][number]['metrics'][number] =>
    ({
      descriptor: {
        name: 'foxtrot.messages.handled',
        description: '',
        unit: '',
        valueType: 1,
        type: 'COUNTER',
      },
      aggregationTemporality: 1,
      dataPointType: 3,
      isMonotonic: true,
      dataPoints: [{ startTime: [0, 0], endTime: [1, 0], attributes: { 'foxtrot.actor.id': actor }, value }],
    }) as never;

  it('puts the points of one metric from every thread under that metric once, tagged with their thread', () => {
    const scope = { name: 'foxtrot' };
    const merged = mergeThreadMetrics([
      { thread: 'risk', scopeMetrics: [{ scope, metrics: [counter(3, 'risk')] }] },
      { thread: 'execution', scopeMetrics: [{ scope, metrics: [counter(5, 'execution')] }] },
    ]);
    expect(merged).toHaveLength(1);
    expect(merged[0]?.metrics).toHaveLength(1);
    expect(merged[0]?.metrics[0]?.dataPoints.map((point) => [point.attributes, point.value])).toEqual([
      [{ 'foxtrot.actor.id': 'risk', 'foxtrot.thread': 'risk' }, 3],
      [{ 'foxtrot.actor.id': 'execution', 'foxtrot.thread': 'execution' }, 5],
    ]);
  });
});
