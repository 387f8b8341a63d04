import { type ResourceLimits, Worker, type WorkerOptions } from 'node:worker_threads';

/** Packages every actor worker imports; loaded ahead of the TypeScript loader when running from sources. */
export const RUNTIME_PACKAGES = [
  'xstate',
  '@sinclair/typebox',
  '@sinclair/typebox/compiler',
  'pino',
  'comlink',
  // Every link's larger batches (batch-codec.ts).
  'msgpackr',
  // Every thread's metrics (tracing and the exporters load only when an endpoint is configured).
  '@opentelemetry/api',
  '@opentelemetry/core',
  '@opentelemetry/resources',
  '@opentelemetry/sdk-metrics',
];

/**
 * Starts a worker on an entry module given by URL, from TypeScript sources or compiled JavaScript alike: every
 * worker goes through a tiny JavaScript bootstrap that registers tsx only when the entry is a .ts file.
 */
export function spawnWorker(
  entry: URL,
  options: {
    workerData?: Record<string, unknown>;
    transferList?: WorkerOptions['transferList'];
    resourceLimits?: ResourceLimits;
    name?: string;
  } = {},
): Worker {
  return new Worker(new URL('./bootstrap.mjs', import.meta.url), {
    workerData: { ...options.workerData, foxtrotEntry: entry.href, foxtrotPackages: RUNTIME_PACKAGES },
    ...(options.transferList ? { transferList: options.transferList } : {}),
    ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
    ...(options.name ? { name: options.name } : {}),
  });
}
