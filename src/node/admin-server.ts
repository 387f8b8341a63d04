import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type InjectedFault, isInjectedFault } from '../runtime/worker/fault-injection.ts';
import { isLogLevel, LOG_LEVELS, type Logger, type LogLevel } from '../telemetry/logger.ts';

/** What the admin endpoint can ask of the node. */
export interface AdminBackend {
  health(): Promise<{ ready: boolean; detail: unknown }>;
  actors(): Promise<unknown>;
  status(): Promise<unknown>;
  invariants(): Promise<{ ok: boolean }>;
  setTradingState(state: string, reason: string): Promise<void>;
  injectFault(actor: string, fault: InjectedFault): Promise<void>;
  setChaos(enabled: boolean): void;
  /** Writes the Prometheus exposition of every thread's metrics. */
  serveMetrics(request: IncomingMessage, response: ServerResponse): void;
  setLogLevel(actor: string, level: string): Promise<void>;
}

const TRADING_STATES = new Set(['ACTIVE', 'REDUCING', 'HALTED']);
const MAX_BODY = 16 * 1024;

function send(response: ServerResponse, code: number, body: unknown): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  response.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error(`body over ${MAX_BODY} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function jsonObject(text: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error('body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new Error('body must be a JSON object');
  return body as Record<string, unknown>;
}

/** Reads `{"state": "...", "reason": "..."}`; the error says which field is wrong. */
export function parseTradingStateBody(text: string): { state: string; reason: string } {
  const { state, reason } = jsonObject(text);
  if (typeof state !== 'string' || !TRADING_STATES.has(state)) {
    throw new Error(`state: expected ACTIVE, REDUCING or HALTED, got ${JSON.stringify(state)}`);
  }
  if (reason !== undefined && typeof reason !== 'string') throw new Error('reason: expected a string');
  return { state, reason: reason ?? 'set through the admin endpoint' };
}

/** Reads `{"actor": "...", "fault": "throw" | "exit" | "hang" | "memory"}`. */
export function parseFaultBody(text: string): { actor: string; fault: InjectedFault } {
  const { actor, fault } = jsonObject(text);
  if (typeof actor !== 'string' || actor.length === 0) throw new Error('actor: expected an actor id');
  if (!isInjectedFault(fault)) {
    throw new Error(`fault: expected throw, exit, hang or memory, got ${JSON.stringify(fault)}`);
  }
  return { actor, fault };
}

/** Reads `{"level": "debug"}`. */
export function parseLogLevelBody(text: string): { level: LogLevel } {
  const { level } = jsonObject(text);
  if (!isLogLevel(level)) {
    throw new Error(`level: expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(level)}`);
  }
  return { level };
}

const LOG_LEVEL_PATH = /^\/actors\/([^/]+)\/log-level$/;

/** Reads `{"enabled": true | false}`. */
export function parseChaosBody(text: string): { enabled: boolean } {
  const { enabled } = jsonObject(text);
  if (typeof enabled !== 'boolean')
    throw new Error(`enabled: expected true or false, got ${JSON.stringify(enabled)}`);
  return { enabled };
}

async function route(
  backend: AdminBackend,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://admin').pathname;
  const method = request.method ?? 'GET';
  if (method === 'GET' && path === '/health') {
    const health = await backend.health();
    send(response, health.ready ? 200 : 503, {
      status: health.ready ? 'ready' : 'not ready',
      ...{ detail: health.detail },
    });
  } else if (method === 'GET' && path === '/actors') {
    send(response, 200, await backend.actors());
  } else if (method === 'GET' && path === '/status') {
    send(response, 200, await backend.status());
  } else if (method === 'GET' && path === '/invariants') {
    const report = await backend.invariants();
    send(response, report.ok ? 200 : 409, report);
  } else if (method === 'POST' && path === '/trading-state') {
    let parsed: { state: string; reason: string };
    try {
      parsed = parseTradingStateBody(await readBody(request));
    } catch (error) {
      send(response, 400, { error: (error as Error).message });
      return;
    }
    await backend.setTradingState(parsed.state, parsed.reason);
    send(response, 200, { tradingState: parsed.state });
  } else if (method === 'POST' && path === '/faults') {
    let parsed: { actor: string; fault: InjectedFault };
    try {
      parsed = parseFaultBody(await readBody(request));
      await backend.injectFault(parsed.actor, parsed.fault);
    } catch (error) {
      send(response, 400, { error: (error as Error).message });
      return;
    }
    send(response, 200, { injected: parsed });
  } else if (method === 'GET' && path === '/metrics') {
    backend.serveMetrics(request, response);
  } else if ((method === 'PUT' || method === 'POST') && LOG_LEVEL_PATH.test(path)) {
    const actor = decodeURIComponent(LOG_LEVEL_PATH.exec(path)?.[1] ?? '');
    let parsed: { level: LogLevel };
    try {
      parsed = parseLogLevelBody(await readBody(request));
      await backend.setLogLevel(actor, parsed.level);
    } catch (error) {
      send(response, 400, { error: (error as Error).message });
      return;
    }
    send(response, 200, { actor, level: parsed.level });
  } else if (method === 'POST' && path === '/chaos') {
    let parsed: { enabled: boolean };
    try {
      parsed = parseChaosBody(await readBody(request));
    } catch (error) {
      send(response, 400, { error: (error as Error).message });
      return;
    }
    backend.setChaos(parsed.enabled);
    send(response, 200, { chaos: parsed.enabled });
  } else {
    send(response, 404, {
      error: `no ${method} ${path}`,
      routes: [
        'GET /health',
        'GET /actors',
        'GET /status',
        'GET /invariants',
        'POST /trading-state',
        'POST /faults',
        'GET /metrics',
        'PUT /actors/:id/log-level',
        'POST /chaos',
      ],
    });
  }
}

/** The node's admin endpoint: loopback unless the host is set otherwise, JSON in and out. */
export async function startAdminServer(
  backend: AdminBackend,
  host: string,
  port: number,
  log: Logger,
): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    route(backend, request, response).catch((error: Error) => {
      log.warn({ err: error }, 'admin request failed');
      if (!response.headersSent) send(response, 500, { error: error.message });
      else response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { server, url: `http://${address.address}:${address.port}` };
}
