import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../bench/lib/node-child.ts';

/*
 * A node run as a child process, as a user runs it: `bin/foxtrot.mjs run` with an admin port to watch it through.
 */

export const bin = new URL('../../bin/foxtrot.mjs', import.meta.url).pathname;

export interface Status {
  tradingState?: string;
  orders?: number;
  fills?: number;
  positions?: number;
  restarts: number;
}

export interface TreeNode {
  id: string;
  restarts: number;
  children?: TreeNode[];
}

/** The admin endpoint's JSON, as far as these tests read it. */
export type AdminBody = Status & {
  ok?: boolean;
  checks?: unknown[];
  tree?: TreeNode[];
};

export interface Running {
  /** A GET whose answer is text (the Prometheus /metrics). */
  text(path: string): Promise<{ code: number; type: string; body: string }>;
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  admin: (path: string, body?: unknown) => Promise<{ code: number; body: AdminBody }>;
}

export async function startNode(
  args: string[],
  data = mkdtempSync(join(tmpdir(), 'foxtrot-node-')),
  env: Record<string, string> = {},
): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, [bin, 'run', '--data', data, '--admin-port', String(port), ...args], {
    env: { ...process.env, FOXTROT_LOG_LEVEL: 'warn', ...env },
  });
  let err = '';
  child.stderr?.on('data', (chunk) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const admin = async (path: string, body?: unknown) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { code: response.status, body: (await response.json()) as AdminBody };
  };
  const text = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    return {
      code: response.status,
      type: response.headers.get('content-type') ?? '',
      body: await response.text(),
    };
  };
  return { child, stderr: () => err, exited, admin, text };
}

export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

export const healthy = (node: Running) =>
  until(
    'a healthy node',
    async () => ((await node.admin('/health')).code === 200 ? true : undefined),
    30_000,
  );

export const status = async (node: Running): Promise<Status> => (await node.admin('/status')).body as Status;

export async function trading(node: Running, after: Status | undefined, timeoutMs: number): Promise<Status> {
  return until(
    'orders and fills',
    async () => {
      const now = await status(node);
      const moved =
        after === undefined ||
        ((now.orders ?? 0) > (after.orders ?? 0) && (now.fills ?? 0) > (after.fills ?? 0));
      return (now.orders ?? 0) > 0 && (now.fills ?? 0) > 0 && moved ? now : undefined;
    },
    timeoutMs,
  );
}

export async function stop(node: Running): Promise<{ code: number | null; ms: number }> {
  const sent = Date.now();
  node.child.kill('SIGTERM');
  const { code, at } = await node.exited;
  return { code, ms: at - sent };
}
