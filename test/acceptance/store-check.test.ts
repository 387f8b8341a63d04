import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FoxtrotStore } from '../../src/persistence/store.ts';
import { flipStoredRecord } from '../support/flip-record.ts';
import { healthy, type Running, startNode, status, stop, trading, until } from '../support/node-process.ts';

async function stopped(node: Running): Promise<number | null> {
  try {
    return (await stop(node)).code;
  } finally {
    node.child.kill('SIGKILL');
  }
}

/** The bytes of one record, read through the store: the node that wrote it has stopped. */
async function recordOf(data: string, pick: (store: FoxtrotStore) => Uint8Array): Promise<Buffer> {
  const store = FoxtrotStore.open(data, { readOnly: true });
  try {
    return Buffer.from(pick(store));
  } finally {
    await store.close();
  }
}

describe("foxtrot run on a damaged store: the start's check and the check beside the running node", () => {
  it('halts trading when the history is damaged, and refuses to start when an actor state is', async () => {
    const data = mkdtempSync(join(tmpdir(), 'foxtrot-damaged-'));
    const first = await startNode([], data);
    await healthy(first);
    await trading(first, undefined, 30_000);
    await until('a filled order', async () => ((await status(first)).fills ?? 0) > 2 || undefined, 30_000);
    await until(
      'the store check to pass',
      async () => /store check: \d+ journal records verified in [\d.]+ s/.test(first.stderr()) || undefined,
      30_000,
    );
    expect(await stopped(first)).toBe(0);

    // A filled order's first record: history, which no actor reads back at a start.
    const filled = await recordOf(data, (store) => {
      for (const key of store.dbs.ordersByStatus.getKeys({ start: ['FILLED'], end: ['FILLED\u0000'] })) {
        const id = (key as string[])[2] as string;
        return store.dbs.journal.get([`order:${id}`, 1]) as Uint8Array;
      }
      throw new Error('no filled order in the store');
    });
    flipStoredRecord(data, filled);
    const second = await startNode([], data);
    try {
      await healthy(second);
      await until(
        'the store check to fail',
        async () => second.stderr().includes('the store failed its integrity check') || undefined,
        60_000,
      );
      expect(second.stderr()).toMatch(
        /the store failed its integrity check \(1 problem\(s\); .*\); trading HALTED/,
      );
      expect(second.stderr()).toMatch(/journal \["order:[^"]+",1\]: checksum mismatch/);
      // Trading waited for the check (the default, before-trading) and stays halted: the strategies' orders are
      // denied (counted as orders), none reaches the venue, so nothing fills.
      const halted = await status(second);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const later = await status(second);
      expect(later.tradingState).toBe('HALTED');
      expect(later.orders).toBeGreaterThan(halted.orders ?? 0);
      expect(later.fills).toBe(halted.fills);
      expect(second.stderr()).toMatch(
        /\| HALTED \(the store failed its integrity check .*; waiting for the store: its check failed\) \|/,
      );
    } finally {
      expect(await stopped(second)).toBe(0);
    }

    // Risk's saved state: what a start reads. The node refuses the store, naming the record.
    const riskState = await recordOf(data, (store) => {
      for (const { key, value } of store.dbs.actors.getRange({ start: ['risk'], end: ['risk\u0000'] })) {
        if ((key as unknown[])[1] === 'machine') return value as Uint8Array;
      }
      throw new Error('no saved state of risk');
    });
    flipStoredRecord(data, riskState);
    const third = await startNode([], data);
    const { code } = await third.exited;
    expect(code).toBe(2);
    expect(third.stderr()).toContain('failed its integrity check; not trading on it');
    expect(third.stderr()).toMatch(/actors \["risk","machine"\]: checksum mismatch/);
  }, 150_000);
});
