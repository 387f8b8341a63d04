// Raw baseline: a worker that loads the same packages as an actor worker and says it is ready.
import { parentPort, workerData } from 'node:worker_threads';

await Promise.all(
  [
    'xstate',
    '@sinclair/typebox',
    '@sinclair/typebox/compiler',
    'pino',
    'comlink',
    '@opentelemetry/api',
    '@opentelemetry/core',
    '@opentelemetry/resources',
    '@opentelemetry/sdk-metrics',
    ...(workerData?.extra ?? []),
  ].map((name) => import(name)),
);
parentPort.postMessage('ready');
