import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { spansOfJson, spansOfProtobuf } from './otlp-protobuf.ts';
import { OtlpInputError, type SpanView } from './span-view.ts';
import type { TraceFilter, TraceStore } from './trace-store.ts';

export interface ViewerOptions {
  host: string;
  port: number;
  /** Largest request body taken, compressed or not; beyond it the answer is 413. */
  maxBodyBytes: number;
  /** Where the built page is (index.html, app.js, app.css). */
  assets: URL;
}

class TooLarge extends Error {}

const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

function sendJson(response: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new TooLarge());
      request.resume();
      return;
    }
    let size = 0;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new TooLarge());
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function number(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

function filterOf(params: URLSearchParams): TraceFilter {
  const filter: TraceFilter = {};
  for (const name of ['q', 'order', 'instrument', 'actor', 'type'] as const) {
    const value = params.get(name);
    if (value) filter[name] = value;
  }
  if (params.get('errors') === '1') filter.errorsOnly = true;
  const from = number(params.get('from'));
  const to = number(params.get('to'));
  const limit = number(params.get('limit'));
  if (from !== undefined) filter.from = from;
  if (to !== undefined) filter.to = to;
  if (limit !== undefined) filter.limit = limit;
  return filter;
}

/**
 * `foxtrot traces`: an OTLP/HTTP receiver (protobuf and JSON, gzip or not) that keeps spans in its own store, and
 * the page and JSON API that show them, on one loopback port. Metrics and logs posted to it are accepted and
 * dropped, so a node pointed at it with OTEL_EXPORTER_OTLP_ENDPOINT exports without errors.
 */
export class TraceViewer {
  private readonly listeners = new Set<ServerResponse>();
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(store: TraceStore, options: ViewerOptions): Promise<TraceViewer> {
    let viewer: TraceViewer | undefined;
    const server = createServer((request, response) => {
      viewer?.route(store, options, request, response).catch((error: Error) => {
        if (!response.headersSent) sendJson(response, 500, { error: error.message });
        else response.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
    const { address, port } = server.address() as AddressInfo;
    const host = address.includes(':') ? `[${address}]` : address;
    viewer = new TraceViewer(server, `http://${host}:${port}`);
    return viewer;
  }

  private async route(
    store: TraceStore,
    options: ViewerOptions,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://viewer');
    const path = url.pathname;
    const method = request.method ?? 'GET';
    if (method === 'POST' && path.startsWith('/v1/')) {
      await this.receive(store, options, path, request, response);
      return;
    }
    if (method !== 'GET') {
      sendJson(response, 405, { error: `no ${method} ${path}` });
      return;
    }
    if (path === '/api/traces') {
      sendJson(response, 200, { traces: store.listTraces(filterOf(url.searchParams)) });
    } else if (path.startsWith('/api/traces/')) {
      const traceId = decodeURIComponent(path.slice('/api/traces/'.length));
      const spans = store.trace(traceId);
      if (spans.length === 0) sendJson(response, 404, { error: `no trace ${traceId}` });
      else sendJson(response, 200, { traceId, spans });
    } else if (path === '/api/actors') {
      sendJson(response, 200, { actors: store.actorList() });
    } else if (path.startsWith('/api/actors/')) {
      const id = decodeURIComponent(path.slice('/api/actors/'.length));
      sendJson(response, 200, store.actor(id, number(url.searchParams.get('limit')) ?? 200));
    } else if (path === '/api/events') {
      this.subscribe(response);
    } else if (STATIC[path] !== undefined) {
      this.serveAsset(options.assets, STATIC[path], response);
    } else {
      sendJson(response, 404, { error: `no ${path}` });
    }
  }

  private async receive(
    store: TraceStore,
    options: ViewerOptions,
    path: string,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(request, options.maxBodyBytes);
      if (request.headers['content-encoding'] === 'gzip') {
        body = gunzipSync(body, { maxOutputLength: options.maxBodyBytes });
      }
    } catch (error) {
      if (error instanceof TooLarge || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        sendJson(response, 413, { error: `body over ${options.maxBodyBytes} bytes` });
      } else sendJson(response, 400, { error: `unreadable body: ${(error as Error).message}` });
      return;
    }
    const type = String(request.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim();
    const protobuf = type === 'application/x-protobuf' || type === 'application/protobuf';
    if (!protobuf && type !== 'application/json') {
      sendJson(response, 415, {
        error: `content-type ${type || '(none)'}: expected application/x-protobuf or application/json`,
      });
      return;
    }
    if (path !== '/v1/traces') {
      // Metrics and logs are not this receiver's: taken and dropped, so that exporters do not retry them.
      this.accepted(response, protobuf);
      return;
    }
    let spans: SpanView[];
    try {
      spans = protobuf ? spansOfProtobuf(body) : spansOfJson(body);
    } catch (error) {
      if (!(error instanceof OtlpInputError)) throw error;
      sendJson(response, 400, { error: error.message });
      return;
    }
    const touched = store.ingest(spans);
    this.accepted(response, protobuf);
    if (touched.length > 0) this.notify(touched.length);
  }

  private accepted(response: ServerResponse, protobuf: boolean): void {
    // An empty ExportTraceServiceResponse: zero bytes in protobuf, `{}` in JSON.
    if (protobuf) {
      response.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
      response.end();
    } else sendJson(response, 200, {});
  }

  private serveAsset(assets: URL, asset: { file: string; type: string }, response: ServerResponse): void {
    const file = new URL(asset.file, assets);
    if (!existsSync(file)) {
      response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(
        `The trace viewer's page is not built: run \`npm run build:ui\` (looked for ${file.pathname}).\n`,
      );
      return;
    }
    const content = readFileSync(file);
    response.writeHead(200, {
      'content-type': asset.type,
      'content-length': content.length,
      'cache-control': 'no-cache',
    });
    response.end(content);
  }

  private subscribe(response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    response.write(': connected\n\n');
    this.listeners.add(response);
    response.on('close', () => this.listeners.delete(response));
  }

  private notify(traces: number): void {
    const message = `event: spans\ndata: ${JSON.stringify({ traces })}\n\n`;
    for (const listener of this.listeners) listener.write(message);
  }

  async close(): Promise<void> {
    for (const listener of this.listeners) listener.end();
    this.listeners.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
