import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/decimal.ts';
import { DEFAULT_CONFIG } from '../../src/node/config.ts';
import type { StoreReport } from '../../src/persistence/inspect.ts';
import { checkIntegrity } from '../../src/persistence/integrity.ts';
import { FoxtrotStore } from '../../src/persistence/store.ts';
import { bin, healthy, startNode, stop, trading, until } from '../support/node-process.ts';
import { balancesFromFills, duplicateSubmissions, venueOrderIds } from '../support/store-facts.ts';
import { tempDir } from '../support/temp-dir.ts';

const KILLS = 20;
const VENUE = `venue-${DEFAULT_CONFIG.venue.name}`;

function inspect(data: string): { code: number | null; report: StoreReport } {
  const run = spawnSync(process.execPath, [bin, 'inspect', '--data', data, '--json'], { encoding: 'utf8' });
  return { code: run.status, report: JSON.parse(run.stdout) as StoreReport };
}

/** What the store must show after any kill: read as the next start will read it. */
async function checkKilledStore(data: string): Promise<{ venueOrders: number }> {
  // Killed before it made its store: there is nothing to check, and the next start makes it.
  if (!existsSync(join(data, 'store', 'data.mdb'))) return { venueOrders: 0 };
  const store = FoxtrotStore.open(data, { readOnly: true });
  try {
    const integrity = checkIntegrity(store, { fold: false });
    expect(integrity.problems).toEqual([]);
    // Write-ahead: execution journals an order before it is sent, so the venue cannot hold one the node lacks.
    const venueOrders = venueOrderIds(store, VENUE);
    const unknown = venueOrders.filter((id) => store.dbs.orders.get(id) === undefined);
    expect(unknown).toEqual([]);
    expect(duplicateSubmissions(store)).toEqual([]);
    return { venueOrders: venueOrders.length };
  } finally {
    await store.close();
  }
}

describe('kill -9 at random instants', () => {
  const data = tempDir('kill');
  afterAll(() => data.remove());

  it(`loses nothing acknowledged across ${KILLS} SIGKILLs and a restart on the same store`, async () => {
    const killedAt: number[] = [];
    let venueOrders = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { arbitrary: fc.constant('starting' as const), weight: 1 },
          { arbitrary: fc.constant('trading' as const), weight: 3 },
        ),
        fc.integer({ min: 0, max: 3000 }),
        async (phase, afterMs) => {
          // Timed from the spawn while the node starts (and recovers from the last kill), or from its being up.
          const node = await startNode([], data.path);
          if (phase === 'trading') {
            await until(
              'the node up',
              async () => (node.stderr().includes('foxtrot node up') ? true : undefined),
              60_000,
            );
          }
          await new Promise((resolve) => setTimeout(resolve, afterMs));
          node.child.kill('SIGKILL');
          await node.exited;
          killedAt.push(afterMs);
          venueOrders = Math.max(venueOrders, (await checkKilledStore(data.path)).venueOrders);
        },
      ),
      { numRuns: KILLS, endOnFailure: true },
    );
    expect(killedAt).toHaveLength(KILLS);
    expect(venueOrders).toBeGreaterThan(0);

    // The node comes back on the store, reconciles, trades again, and agrees with the venue.
    const node = await startNode([], data.path);
    try {
      await healthy(node);
      await trading(node, undefined, 30_000);
      expect((await node.admin('/trading-state', { state: 'HALTED', reason: 'kill test check' })).code).toBe(
        200,
      );
      // In-flight reports (a fill on its way to the portfolio) settle before the venue and the node are compared.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      let last: unknown;
      const invariants = await until(
        'invariants to hold',
        async () => {
          const { code, body } = await node.admin('/invariants');
          last = body;
          return code === 200 ? body : undefined;
        },
        15_000,
      ).catch(() => last);
      const failed = (invariants as { checks?: Array<{ ok: boolean }> } | undefined)?.checks?.filter(
        (c) => !c.ok,
      );
      expect(failed ?? invariants).toEqual([]);
    } finally {
      expect((await stop(node)).code).toBe(0);
    }

    const { code, report } = inspect(data.path);
    expect(report.integrity.problems).toEqual([]);
    expect(code).toBe(0);
    // Kills before a start opened the store do not count as starts.
    expect(report.incarnation).toBeGreaterThan(1);
    const store = FoxtrotStore.open(data.path, { readOnly: true });
    try {
      const expected = balancesFromFills(
        store,
        DEFAULT_CONFIG.account.balances,
        DEFAULT_CONFIG.venue.instruments,
      );
      const fills = store.dbs.fills.getCount();
      const positionFills = (report.positions as Array<{ fills: number }>).reduce((n, p) => n + p.fills, 0);
      const mismatches = [...expected]
        .filter(([currency, total]) => {
          const balance = report.balances[currency] as { total: string } | undefined;
          return !Decimal.parse(balance?.total ?? '0').eq(total);
        })
        .map(
          ([currency, total]) =>
            `${currency}: journaled fills make ${total}, the account says ${(report.balances[currency] as { total: string } | undefined)?.total} (${fills} fills journaled, ${positionFills} in positions)`,
        );
      expect(mismatches).toEqual([]);
    } finally {
      await store.close();
    }
  }, 400_000);
});
