import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { TraceStore } from './trace-store.ts';
import { TraceViewer } from './viewer-server.ts';

export interface TracesOptions {
  data: string;
  host: string;
  port: number;
  maxTraces: number;
  maxAgeHours: number;
  maxBodyMb: number;
}

/** Where `npm run build:ui` puts the page, seen from the sources (src/traces) or from the build (dist/src/traces). */
export const UI_ASSETS =
  [new URL('../../ui/dist/', import.meta.url), new URL('../../../ui/dist/', import.meta.url)].find((url) =>
    existsSync(url),
  ) ?? new URL('../../ui/dist/', import.meta.url);

const say = (line: string) => process.stderr.write(`${line}\n`);

/** `foxtrot traces`: runs the receiver and the page until SIGINT or SIGTERM. Returns the exit code. */
export async function runTraceViewer(options: TracesOptions): Promise<number> {
  let store: TraceStore;
  try {
    store = new TraceStore(resolve(options.data), {
      maxTraces: options.maxTraces,
      maxAgeMs: options.maxAgeHours * 3_600_000,
    });
  } catch (error) {
    say(`cannot open the trace store in ${resolve(options.data)}: ${(error as Error).message}`);
    return 2;
  }
  let viewer: TraceViewer;
  try {
    viewer = await TraceViewer.start(store, {
      host: options.host,
      port: options.port,
      maxBodyBytes: options.maxBodyMb * 1024 * 1024,
      assets: UI_ASSETS,
    });
  } catch (error) {
    say(`the trace viewer could not listen on ${options.host}:${options.port}: ${(error as Error).message}`);
    await store.close();
    return 2;
  }
  say(
    `foxtrot traces: ${viewer.url}/ (${store.traceCount} traces in ${store.path}; keeps ${options.maxTraces} ` +
      `traces, ${options.maxAgeHours} h)\n  point a node at it: OTEL_EXPORTER_OTLP_ENDPOINT=${viewer.url} npm start`,
  );
  const signal = await new Promise<string>((done) => {
    process.once('SIGINT', () => done('SIGINT'));
    process.once('SIGTERM', () => done('SIGTERM'));
  });
  say(`stopping (${signal})`);
  await viewer.close();
  await store.close();
  return 0;
}
