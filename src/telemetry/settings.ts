import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValidationError } from '../resilience/errors.ts';

const strict = { additionalProperties: false } as const;

/** The telemetry part of a node's config (and of an embedding application's): every field has a default. */
export const TelemetryConfigSchema = Type.Object(
  {
    serviceName: Type.String({ minLength: 1 }),
    tracing: Type.Object(
      {
        /** OTLP/HTTP base URL (`http://127.0.0.1:4318`); empty: OTEL_EXPORTER_OTLP_ENDPOINT, or tracing off. */
        endpoint: Type.String(),
        /** The share of high-rate messages (market data) that start a sampled trace. */
        highRateRatio: Type.Number({ minimum: 0, maximum: 1 }),
        /** Longest message payload kept on a span, as JSON; 0 keeps none. */
        payloadBytes: Type.Integer({ minimum: 0 }),
        /** Finished spans a thread holds before export: beyond it spans are dropped, and counted. */
        queueSize: Type.Integer({ minimum: 1 }),
        batchSize: Type.Integer({ minimum: 1 }),
        delayMs: Type.Integer({ minimum: 1 }),
      },
      strict,
    ),
    metrics: Type.Object(
      {
        /** How often metrics are pushed over OTLP, when an endpoint is set (they are always on /metrics). */
        otlpIntervalMs: Type.Integer({ minimum: 100 }),
      },
      strict,
    ),
  },
  strict,
);

export type TelemetryConfig = Static<typeof TelemetryConfigSchema>;

export const DEFAULT_TELEMETRY: TelemetryConfig = {
  serviceName: 'foxtrot',
  tracing: {
    endpoint: '',
    highRateRatio: 0.01,
    payloadBytes: 1024,
    // A node at 10k ticks/s with 1% sampled and every order traced makes a few thousand spans a second per busy
    // thread: the SDK's default of 2,048 would drop spans between two exports.
    queueSize: 65_536,
    // An export encodes its whole batch in the actor's own thread, which handles nothing meanwhile: smaller
    // batches than the SDK's 512 (sent more often) keep each pause short.
    batchSize: 256,
    delayMs: 250,
  },
  metrics: { otlpIntervalMs: 10_000 },
};

export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

const SAMPLERS: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];

/** What one thread's telemetry runs with: the config, with the standard OTEL_* variables laid over it. */
export interface TelemetrySettings {
  serviceName: string;
  tracing:
    | {
        enabled: true;
        /** The full traces URL; undefined lets the exporter read OTEL_EXPORTER_OTLP_* itself. */
        url: string | undefined;
        sampler: SamplerName;
        samplerRatio: number;
        highRateRatio: number;
        payloadBytes: number;
        queueSize: number;
        batchSize: number;
        delayMs: number;
        exportTimeoutMs: number;
        /** OTLP/HTTP encoding of exported spans: protobuf (the default, half the bytes and cheaper) or JSON. */
        protocol: 'http/protobuf' | 'http/json';
      }
    | { enabled: false };
  metrics: { otlp: boolean; url: string | undefined; intervalMs: number };
}

/** Where the node's telemetry config travels to its workers, which inherit the environment. */
export const TELEMETRY_ENV = 'FOXTROT_TELEMETRY';

const configCheck = TypeCompiler.Compile(TelemetryConfigSchema);

export function validateTelemetryConfig(candidate: unknown, source: string): TelemetryConfig {
  if (configCheck.Check(candidate)) return candidate;
  const first = configCheck.Errors(candidate).First();
  const where = first?.path.replace(/^\//, '').replaceAll('/', '.') || '(top level)';
  throw new ValidationError(
    `invalid telemetry config in ${source}: ${where}: ${first?.message ?? 'invalid'}`,
  );
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new ValidationError(`${name}: expected a positive integer, got '${raw}'`);
  }
  return value;
}

function ratio(env: Env, name: string, fallback: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new ValidationError(`${name}: expected a ratio between 0 and 1, got '${raw}'`);
  }
  return value;
}

function exporterName(env: Env, name: string): 'otlp' | 'none' | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  // The variable is a list; Foxtrot exports over OTLP or not at all (Prometheus is always on /metrics).
  const names = raw.split(',').map((part) => part.trim());
  if (names.includes('otlp')) return 'otlp';
  if (names.every((part) => part === 'none' || part === 'prometheus')) return 'none';
  throw new ValidationError(`${name}: expected otlp, prometheus or none, got '${raw}'`);
}

function otlpProtocol(env: Env): 'http/protobuf' | 'http/json' {
  const raw = text(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? text(env, 'OTEL_EXPORTER_OTLP_PROTOCOL');
  if (raw === undefined || raw === 'http/protobuf') return 'http/protobuf';
  if (raw === 'http/json') return 'http/json';
  throw new ValidationError(`OTEL_EXPORTER_OTLP_PROTOCOL: expected http/protobuf or http/json, got '${raw}'`);
}

function signalUrl(base: string, signal: 'traces' | 'metrics'): string {
  return `${base.replace(/\/+$/, '')}/v1/${signal}`;
}

/** The config from FOXTROT_TELEMETRY (set by the node for its workers), else the defaults. */
export function telemetryConfigFromEnv(env: Env = process.env): TelemetryConfig {
  const raw = text(env, TELEMETRY_ENV);
  if (raw === undefined) return DEFAULT_TELEMETRY;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new ValidationError(`${TELEMETRY_ENV}: not JSON: ${(error as Error).message}`);
  }
  return validateTelemetryConfig(parsed, TELEMETRY_ENV);
}

/**
 * Lays the standard variables over the config: OTEL_SDK_DISABLED, OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_ENDPOINT
 * (and the _TRACES_/_METRICS_ ones), OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER, OTEL_TRACES_SAMPLER(_ARG),
 * OTEL_BSP_*, OTEL_METRIC_EXPORT_INTERVAL. A variable that is set wins over the config. A wrong value is an error
 * naming the variable, never a silent default.
 */
export function resolveTelemetry(config: TelemetryConfig, env: Env = process.env): TelemetrySettings {
  const disabled = text(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true';
  const base = text(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') ?? (config.tracing.endpoint || undefined);
  const tracesEndpoint = text(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const metricsEndpoint = text(env, 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT');
  const tracesExporter = exporterName(env, 'OTEL_TRACES_EXPORTER');
  const metricsExporter = exporterName(env, 'OTEL_METRICS_EXPORTER');
  const highRateRatio = ratio(env, 'FOXTROT_TRACES_HIGH_RATE_RATIO', config.tracing.highRateRatio);
  const serviceName = text(env, 'OTEL_SERVICE_NAME') ?? config.serviceName;

  const sampler = (text(env, 'OTEL_TRACES_SAMPLER') ?? 'parentbased_always_on') as SamplerName;
  if (!SAMPLERS.includes(sampler)) {
    throw new ValidationError(
      `OTEL_TRACES_SAMPLER: expected one of ${SAMPLERS.join(', ')}, got '${sampler}'`,
    );
  }
  const tracesOn =
    !disabled && tracesExporter !== 'none' && (tracesEndpoint !== undefined || base !== undefined);
  const queueSize = positiveInt(env, 'OTEL_BSP_MAX_QUEUE_SIZE', config.tracing.queueSize);
  const tracing: TelemetrySettings['tracing'] = tracesOn
    ? {
        enabled: true,
        url: tracesEndpoint ?? (base === undefined ? undefined : signalUrl(base, 'traces')),
        sampler,
        samplerRatio: ratio(env, 'OTEL_TRACES_SAMPLER_ARG', 1),
        highRateRatio,
        payloadBytes: config.tracing.payloadBytes,
        queueSize,
        batchSize: Math.min(
          queueSize,
          positiveInt(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', config.tracing.batchSize),
        ),
        delayMs: positiveInt(env, 'OTEL_BSP_SCHEDULE_DELAY', config.tracing.delayMs),
        exportTimeoutMs: positiveInt(env, 'OTEL_BSP_EXPORT_TIMEOUT', 30_000),
        protocol: otlpProtocol(env),
      }
    : { enabled: false };
  const metricsOtlp =
    !disabled && metricsExporter !== 'none' && (metricsEndpoint !== undefined || base !== undefined);
  return {
    serviceName,
    tracing,
    metrics: {
      otlp: metricsOtlp,
      url: metricsEndpoint ?? (base === undefined ? undefined : signalUrl(base, 'metrics')),
      intervalMs: positiveInt(env, 'OTEL_METRIC_EXPORT_INTERVAL', config.metrics.otlpIntervalMs),
    },
  };
}
