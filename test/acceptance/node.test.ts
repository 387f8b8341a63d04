import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = new URL('../../bin/foxtrot.mjs', import.meta.url).pathname;

interface Status {
  tradingState?: string;
  orders?: number;
  fills?: number;
  positions?: number;
  restarts: number;
}

interface TreeNode {
  id: string;
  restarts: number;
  children?: TreeNode[];
}

/** The admin endpoint's JSON, as far as these tests read it. */
type AdminBody = Status & {
  ok?: boolean;
  checks?: unknown[];
  tree?: TreeNode[];
};

interface Running {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; at: number }>;
  admin: (path: string, body?: unknown) => Promise<{ code: number; body: AdminBody }>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startNode(args: string[]): Promise<Running> {
  const data = mkdtempSync(join(tmpdir(), 'foxtrot-node-'));
  const port = await freePort();
  const child = spawn(process.execPath, [bin, 'run', '--data', data, '--admin-port', String(port), ...args], {
    env: { ...process.env, FOXTROT_LOG_LEVEL: 'warn' },
  });
  let err = '';
  child.stderr?.on('data', (chunk) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on('exit', (code) => resolve({ code, at: Date.now() })),
  );
  const admin = async (path: string, body?: unknown) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { code: response.status, body: (await response.json()) as AdminBody };
  };
  return { child, stderr: () => err, exited, admin };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
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

const healthy = (node: Running) =>
  until(
    'a healthy node',
    async () => ((await node.admin('/health')).code === 200 ? true : undefined),
    30_000,
  );

const status = async (node: Running): Promise<Status> => (await node.admin('/status')).body as Status;

async function trading(node: Running, after: Status | undefined, timeoutMs: number): Promise<Status> {
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

async function stop(node: Running): Promise<{ code: number | null; ms: number }> {
  const sent = Date.now();
  node.child.kill('SIGTERM');
  const { code, at } = await node.exited;
  return { code, ms: at - sent };
}

const flat = (nodes: TreeNode[]): TreeNode[] => nodes.flatMap((node) => [node, ...flat(node.children ?? [])]);
const actorIn = (tree: TreeNode[] | undefined, id: string) => flat(tree ?? []).find((node) => node.id === id);

describe('foxtrot run: the headless node', () => {
  it('trades on the embedded defaults, prints status lines, and stops on SIGTERM within the bound', async () => {
    const node = await startNode([]);
    try {
      await healthy(node);
      const traded = await trading(node, undefined, 30_000);
      expect(traded.tradingState).toBe('ACTIVE');
      await until('a position', async () => ((await status(node)).positions ?? 0) > 0 || undefined, 30_000);
      const { code, ms } = await stop(node);
      expect(code).toBe(0);
      expect(ms).toBeLessThan(10_000);
      expect(node.stderr()).toMatch(
        /up \d+s \| ACTIVE \| ticks\/s \d+ \| orders \d+ \| fills \d+ \| open \d+/,
      );
      expect(node.stderr()).toContain('stopping (SIGTERM)');
      expect(node.stderr()).toContain('stopped cleanly');
    } finally {
      node.child.kill('SIGKILL');
    }
  }, 90_000);

  it('survives a strategy crash and an adapter crash, and keeps trading', async () => {
    const node = await startNode([]);
    try {
      await healthy(node);
      const before = await trading(node, undefined, 30_000);
      expect((await node.admin('/faults', { actor: 'strategy-mm', fault: 'throw' })).code).toBe(200);
      expect((await node.admin('/faults', { actor: 'adapter-SIM', fault: 'exit' })).code).toBe(200);
      const tree = await until(
        'both restarted',
        async () => {
          const { body } = await node.admin('/actors');
          const restarted = ['strategy-mm', 'adapter-SIM'].every(
            (id) => (actorIn(body.tree, id)?.restarts ?? 0) >= 1,
          );
          return restarted && (await node.admin('/health')).code === 200 ? body.tree : undefined;
        },
        30_000,
      );
      expect(actorIn(tree, 'risk')?.restarts).toBe(0);
      await trading(node, before, 30_000);
      expect((await node.admin('/faults', { actor: 'nobody', fault: 'throw' })).code).toBe(400);
      expect((await stop(node)).code).toBe(0);
    } finally {
      node.child.kill('SIGKILL');
    }
  }, 120_000);

  it('exits at once on a second signal while it is stopping', async () => {
    const node = await startNode([]);
    try {
      await healthy(node);
      // A clean stop takes a few hundred ms here: the second signal comes well within it.
      node.child.kill('SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 20));
      node.child.kill('SIGTERM');
      const { code } = await node.exited;
      expect(code).toBe(130);
      expect(node.stderr()).toContain('SIGTERM while stopping: forcing exit');
    } finally {
      node.child.kill('SIGKILL');
    }
  }, 60_000);

  it('fails fast on a bad config file, naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'foxtrot-bad-config-'));
    const file = join(dir, 'node.yaml');
    writeFileSync(file, 'risk:\n  limits:\n    submitRatePerSecond: lots\n');
    const started = Date.now();
    const node = await startNode(['--config', file]);
    const { code } = await node.exited;
    expect(code).toBe(2);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(node.stderr()).toMatch(/risk\.limits\.submitRatePerSecond: Expected integer \(got "lots"\)/);
  }, 20_000);

  it('rides out 30 s of chaos: healthy after, positions matching the venue, stopping cleanly', async () => {
    const node = await startNode(['--chaos']);
    try {
      await healthy(node);
      const before = await trading(node, undefined, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 30_000));
      expect((await node.admin('/chaos', { enabled: false })).code).toBe(200);
      const after = await status(node);
      expect(after.restarts).toBeGreaterThanOrEqual(5);
      await healthy(node);
      await trading(node, before, 30_000);
      await node.admin('/trading-state', { state: 'HALTED', reason: 'checking invariants' });
      let last: AdminBody | undefined;
      const report = await until(
        'invariants to hold once quiet',
        async () => {
          last = (await node.admin('/invariants')).body;
          return last.ok ? last : undefined;
        },
        // Orders whose acknowledgement chaos dropped settle through execution's venue queries (5 s each).
        30_000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(last)}`);
      });
      expect(report.checks?.length).toBeGreaterThanOrEqual(3);
      const { code } = await stop(node);
      expect(code).toBe(0);
      expect(node.stderr()).toMatch(/chaos: \d+ faults injected/);
    } finally {
      node.child.kill('SIGKILL');
    }
  }, 180_000);
});
