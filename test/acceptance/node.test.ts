import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type AdminBody,
  healthy,
  startNode,
  status,
  stop,
  type TreeNode,
  trading,
  until,
} from '../support/node-process.ts';

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

  it('dies at once on a second signal while it is stopping, and starts again on its store', async () => {
    const data = mkdtempSync(join(tmpdir(), 'foxtrot-forced-'));
    const node = await startNode([], data);
    try {
      await healthy(node);
      await trading(node, undefined, 30_000);
      // A clean stop takes a few hundred ms here: the second signal comes well within it, while the actors
      // write their last states (where a process.exit could hang on lmdb-js's worker teardown).
      node.child.kill('SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 20));
      node.child.kill('SIGTERM');
      const { signal } = await node.exited;
      expect(signal).toBe('SIGKILL');
      expect(node.stderr()).toContain('SIGTERM while stopping: forcing exit');
    } finally {
      node.child.kill('SIGKILL');
    }
    const again = await startNode([], data);
    try {
      await healthy(again);
      expect(again.stderr()).toMatch(/resumed from .* state of \d+ actors/);
      expect((await stop(again)).code).toBe(0);
    } finally {
      again.child.kill('SIGKILL');
    }
  }, 90_000);

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
