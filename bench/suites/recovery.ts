import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executionActor } from '../../actors/execution/worker.ts';
import { readActorState, writeActorCommit } from '../../src/persistence/actor-states.ts';
import { checkIntegrity, checkLiveState } from '../../src/persistence/integrity.ts';
import { appendJournal } from '../../src/persistence/journal.ts';
import { FoxtrotStore } from '../../src/persistence/store.ts';
import { ActorCell } from '../../src/runtime/actor-cell.ts';
import type { Envelope } from '../../src/runtime/envelope.ts';
import { silentIO } from '../../src/runtime/silent-io.ts';
import { encodeMachine } from '../../src/runtime/snapshot-encoding.ts';
import { defineBench } from '../lib/harness.ts';
import { benchSpec } from '../lib/instrument.ts';
import { orderEntries } from '../lib/journal-records.ts';

/** Messages execution replays on its snapshot at a start: the node's default snapshot interval. */
const REPLAYED = 1000;
/** Orders the node left open (submitted and accepted, not filled): what a start's check reads in full. */
const OPEN_ORDERS = 1000;

/**
 * A store as a node leaves it: `events` order events in the journal (with their views), and execution's state:
 * a snapshot and the messages it handled after it.
 */
async function makeStore(events: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'foxtrot-bench-recovery-'));
  const store = FoxtrotStore.open(dir);
  const open = orderEntries(3 * OPEN_ORDERS, 'open').filter((entry) => entry.type !== 'Filled');
  const entries = [...orderEntries(events - open.length), ...open];
  for (let i = 0; i < entries.length; i += 10_000) {
    store.write(() => {
      appendJournal(store, 'execution', entries.slice(i, i + 10_000));
    });
  }
  const cell = new ActorCell(executionActor, {
    id: 'execution',
    io: silentIO('execution'),
    input: { instruments: [benchSpec] },
  });
  const { machine, timers } = cell.persistedState();
  // Its timer (the in-flight check) would keep the process alive.
  cell.stop();
  const progress = {
    endpointKey: 'execution@bench',
    watermarks: {},
    outgoing: { links: {}, unresolved: {} },
  };
  const inputs: Envelope[] = Array.from({ length: REPLAYED }, (_, i) => ({
    id: `e${i}`,
    from: 'risk',
    to: 'execution',
    type: 'submitOrder',
    payload: {
      order: {
        clientOrderId: `r-${i}`,
        strategyId: 'bench',
        instrumentId: benchSpec.id,
        side: 'BUY',
        type: 'LIMIT',
        quantity: '0.010',
        price: '20000.00',
      },
    },
    timestamp: 1_000 + i,
    correlationId: `c${i}`,
  }));
  store.write(() => {
    writeActorCommit(store, 'execution', {
      machine: { machine: encodeMachine(machine), timers },
      progress,
      journal: [],
      inputs: [],
    });
    writeActorCommit(store, 'execution', { progress, journal: [], inputs });
  });
  await store.close();
  return dir;
}

/**
 * A node's recovery: open the store, check what the start reads (actor states and inputs, open orders, positions,
 * balances), and restore execution from its snapshot and journal. The node checks the rest beside it, once it is
 * up (`check-whole-1m`).
 */
async function recover(dir: string): Promise<{ ms: number }> {
  const started = performance.now();
  const store = FoxtrotStore.open(dir);
  try {
    const integrity = checkLiveState(store);
    if (!integrity.ok) throw new Error(`bench store failed its check: ${integrity.problems[0]?.problem}`);
    if (integrity.journalRecords < 2 * OPEN_ORDERS) throw new Error('the check did not read the open orders');
    const restored = readActorState(store, 'execution');
    if (restored?.replay?.length !== REPLAYED)
      throw new Error('execution did not come back with its journal');
    const cell = new ActorCell(executionActor, {
      id: 'execution',
      io: silentIO('execution'),
      restored,
      replay: restored.replay,
    });
    const replayed = Object.keys((cell.view().context as { orders: object }).orders).length;
    cell.stop();
    if (replayed !== REPLAYED) throw new Error('execution replayed the wrong number of orders');
    return { ms: performance.now() - started };
  } finally {
    await store.close();
  }
}

export const recoveryBench = defineBench({
  name: 'recovery',
  description:
    "A node's start on a store of 100,000 and 1,000,000 journaled order events (1,000 orders of them open): open, " +
    'the check of what the start reads (actor states and inputs, open orders, positions, balances), and execution ' +
    `restored from its snapshot with ${REPLAYED} messages replayed; the whole store's check, which the node runs ` +
    'beside it once up, on its own; against a raw getRange over the 1,000,000 records.',
  baseline: 'raw-getRange-1m',
  metrics: { ms: { unit: 'ms', better: 'lower' } },
  async setup() {
    return { small: await makeStore(100_000), large: await makeStore(1_000_000) };
  },
  variants: {
    'raw-getRange-1m': async (c) => {
      const store = FoxtrotStore.open(c.large, { readOnly: true });
      const started = performance.now();
      let bytes = 0;
      for (const { value } of store.dbs.journal.getRange()) bytes += (value as Uint8Array).length;
      const ms = performance.now() - started;
      await store.close();
      if (bytes === 0) throw new Error('empty journal');
      return { ms };
    },
    'recover-100k': (c) => recover(c.small),
    'recover-1m': (c) => recover(c.large),
    'check-whole-1m': async (c) => {
      const store = FoxtrotStore.open(c.large, { readOnly: true });
      try {
        const started = performance.now();
        const integrity = checkIntegrity(store, { fold: false });
        if (!integrity.ok) throw new Error(`bench store failed its check: ${integrity.problems[0]?.problem}`);
        return { ms: performance.now() - started };
      } finally {
        await store.close();
      }
    },
  },
  async teardown(c) {
    rmSync(c.small, { recursive: true, force: true });
    rmSync(c.large, { recursive: true, force: true });
  },
  targets: [
    {
      description: 'recovery of 1,000,000 journaled events < 3 s',
      variant: 'recover-1m',
      metric: 'ms',
      check: (value) => value < 3000,
    },
  ],
});
