import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUNTIME_PACKAGES } from '../../src/runtime/worker/spawn.ts';

/*
 * The node run as a child process, the way a user runs it (embedded defaults, its own data directory, the
 * admin endpoint on a free loopback port), and the bare process of bare workers it is measured against; both
 * sampled for their resident set size from outside.
 */

/**
 * The compiled node when this runs compiled (`npm run bench` runs dist/), as production does; from TypeScript
 * sources (through bin/foxtrot.mjs and tsx) when this file runs as TypeScript.
 */
function nodeEntry(): string {
  const compiled = new URL('../../src/node/main.js', import.meta.url);
  if (import.meta.url.endsWith('.js') && existsSync(compiled)) return compiled.pathname;
  return new URL('../../bin/foxtrot.mjs', import.meta.url).pathname;
}

/** Resident set size of a process, in MiB: total, anonymous (heaps) and file-backed (code, mapped files). */
export interface Rss {
  rss: number;
  anon?: number;
  file?: number;
}

const MIB = 1024 * 1024;

/** From /proc on Linux (which splits anonymous from file-backed pages), else from `ps`. */
export function rssOf(pid: number): Rss {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string) => {
      const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
      return match ? (Number(match[1]) * 1024) / MIB : undefined;
    };
    const rss = kib('VmRSS');
    if (rss !== undefined) {
      const anon = kib('RssAnon');
      const file = kib('RssFile');
      return { rss, ...(anon === undefined ? {} : { anon }), ...(file === undefined ? {} : { file }) };
    }
  } catch {
    // not Linux, or the process is gone: ps says which
  }
  const out = execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim();
  if (out === '') throw new Error(`process ${pid} is gone`);
  return { rss: (Number(out) * 1024) / MIB };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The environment a production node runs with (README, "Memory"): glibc's malloc keeps an arena per thread that
 * ever allocated, and a worker thread that dies leaves its arena's memory behind, so a node restarting workers grows
 * by about 0.6 MiB a restart without this. The bare process gets it too: the two differ only in what they run.
 */
const PRODUCTION_ENV = { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' };

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface TreeNode {
  id: string;
  type: string;
  status?: string;
  children?: TreeNode[];
}

export interface NodeChild {
  pid: number;
  /** Its data directory (a temporary one, removed by `stop` unless kept). */
  data: string;
  child: ChildProcess;
  /** The admin endpoint: GET, or POST when `body` is given; the JSON answer. */
  admin(path: string, body?: unknown): Promise<{ code: number; body: Record<string, unknown> }>;
  /** The last lines the node wrote to stderr (for errors). */
  stderr(): string;
  exited: Promise<number | null>;
  /** Actor workers in the supervision tree (GET /actors). */
  workers(): Promise<number>;
  /**
   * Each thread's own V8 heap in use, MiB, by thread: the actor workers by actor id, and `main` (the node's
   * `foxtrot_thread_heap_used` metric).
   */
  threadHeaps(): Promise<Map<string, number>>;
  /** Until the probe answers (polled every 250 ms); after `timeoutMs` throws, saying what it waited for. */
  until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T>;
  /** SIGTERM and wait (SIGKILL after 30 s); removes the data directory unless `keepData`. The exit code. */
  stop(keepData?: boolean): Promise<number | null>;
}

/** Starts `foxtrot run` with the embedded defaults and waits for /health to say ready. */
export async function startNodeChild(args: string[] = []): Promise<NodeChild> {
  const data = mkdtempSync(join(tmpdir(), 'foxtrot-bench-node-'));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [nodeEntry(), 'run', '--data', data, '--admin-port', String(port), ...args],
    {
      env: { ...process.env, ...PRODUCTION_ENV, FOXTROT_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  child.stderr?.on('data', (chunk) => {
    err = (err + chunk).slice(-20_000);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const admin = async (path: string, body?: unknown) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    return { code: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const until = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      if (gone) throw new Error(`the node exited while waiting for ${what}: ${err.slice(-2000)}`);
      try {
        const value = await probe();
        if (value !== undefined) return value;
      } catch (error) {
        last = error;
      }
      await sleep(250);
    }
    throw new Error(
      `timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`,
    );
  };
  const threadHeaps = async () => {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(10_000) });
    const heaps = new Map<string, number>();
    for (const line of (await response.text()).split('\n')) {
      const sample = /^foxtrot_thread_heap_used\{.*foxtrot_thread="([^"]+)".*\} ([0-9.e+]+)$/.exec(line);
      if (sample) heaps.set(sample[1] as string, Number(sample[2]) / 2 ** 20);
    }
    return heaps;
  };
  const node: NodeChild = {
    threadHeaps,
    pid: child.pid as number,
    data,
    child,
    admin,
    stderr: () => err,
    exited,
    until,
    async workers() {
      const { body } = await admin('/actors');
      const count = (nodes: TreeNode[] | undefined): number =>
        (nodes ?? []).reduce((n, t) => n + (t.type === 'worker' ? 1 : 0) + count(t.children), 0);
      return count(body.tree as TreeNode[]);
    },
    async stop(keepData = false) {
      if (!gone) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(killer);
      if (!keepData) rmSync(data, { recursive: true, force: true });
      return code;
    },
  };
  try {
    await until(
      'a healthy node',
      async () => ((await admin('/health')).code === 200 ? true : undefined),
      60_000,
    );
  } catch (error) {
    await node.stop();
    throw error;
  }
  return node;
}

/** Until the node has made orders and fills (a trading node, not one still connecting). */
export async function tradingNode(node: NodeChild, timeoutMs = 60_000): Promise<void> {
  await node.until(
    'orders and fills',
    async () => {
      const { body } = await node.admin('/status');
      return Number(body.orders ?? 0) > 0 && Number(body.fills ?? 0) > 0 ? true : undefined;
    },
    timeoutMs,
  );
}

export interface BareProcess {
  pid: number;
  /** RSS of the bare process after its imports, before any worker. */
  rssBeforeWorkers: number;
  stop(): Promise<void>;
}

/**
 * A bare process of `count` idle bare workers, the main thread and each worker importing what an actor worker
 * imports (`RUNTIME_PACKAGES`), started and ready.
 */
export async function startBareProcess(count: number): Promise<BareProcess> {
  const script = new URL('./bare-workers.mjs', import.meta.url).pathname;
  const child = spawn(process.execPath, [script, String(count), JSON.stringify(RUNTIME_PACKAGES)], {
    env: { ...process.env, ...PRODUCTION_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (chunk) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = await new Promise<{ rssBeforeWorkers: number }>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    void exited.then((code) => reject(new Error(`the bare process exited (${code}): ${err.slice(-2000)}`)));
  });
  return {
    pid: child.pid as number,
    rssBeforeWorkers: ready.rssBeforeWorkers / MIB,
    async stop() {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Median RSS (MiB) of `samples` readings `everyMs` apart: one reading can land on a garbage collection. */
export async function settledRss(pid: number, samples = 5, everyMs = 1000): Promise<Rss> {
  const readings: Rss[] = [];
  for (let i = 0; i < samples; i += 1) {
    if (i > 0) await sleep(everyMs);
    readings.push(rssOf(pid));
  }
  const mid = <K extends keyof Rss>(key: K): number | undefined => {
    const values = readings.map((r) => r[key]).filter((v): v is number => v !== undefined);
    if (values.length === 0) return undefined;
    values.sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)];
  };
  const anon = mid('anon');
  const file = mid('file');
  return {
    rss: mid('rss') as number,
    ...(anon === undefined ? {} : { anon }),
    ...(file === undefined ? {} : { file }),
  };
}
