import { describe, expect, it } from 'vitest';
import { executionProtocol } from '../../actors/execution/protocol.ts';
import { portfolioProtocol } from '../../actors/portfolio/protocol.ts';
import type { Order } from '../../src/domain/order.ts';
import type { SupervisorEvent } from '../../src/index.ts';
import { FoxtrotStore } from '../../src/persistence/store.ts';
import { btcSpec } from '../fixtures/instruments.ts';
import { startCoreOnLmdb, submitThroughRisk } from '../support/core-on-lmdb.ts';
import { sleep, waitFor } from '../support/system.ts';
import { tempDir } from '../support/temp-dir.ts';

/*
 * A fill that reached the venue, execution and the portfolio's worker, whose worker then died of an unrelated
 * cause (out of memory, or a stall that missed heartbeats) while handling it. Execution's outbox sends the fill
 * again to the next incarnation, which must apply it: the portfolio's position must equal the fills'.
 */
const ORDERS = 3;

async function run(mode: 'memory' | 'stall' | 'poison') {
  const dir = tempDir(`lostfill-${mode}`);
  // With `poison`, no unlucky death: the second order's fill kills every incarnation that handles it.
  if (mode === 'poison') delete process.env.LOSTFILL_MARKER;
  else process.env.LOSTFILL_MARKER = `${dir.path}/crashed-once`;
  process.env.LOSTFILL_MODE = mode;
  const store = FoxtrotStore.open(`${dir.path}/store`);
  const events: SupervisorEvent[] = [];
  const system = await startCoreOnLmdb(store, events, {
    actor: {
      module: new URL('../fixtures/unlucky-portfolio.ts', import.meta.url),
      export: 'unluckyPortfolioActor',
    },
    input: { instruments: [btcSpec], balances: { USDT: '1000000' } },
    resourceLimits: { maxOldGenerationSizeMb: 48 },
  });
  try {
    const execution = system.ref('execution', executionProtocol);
    await submitThroughRisk(system, ORDERS);
    for (let i = 1; i <= ORDERS; i++) {
      execution.tell('venueEvent', {
        clientOrderId: `o${i}`,
        event: { type: 'Accepted', venueOrderId: `v${i}` },
      });
    }
    for (let i = 1; i <= ORDERS; i++) {
      execution.tell('venueEvent', {
        clientOrderId: `o${i}`,
        event: {
          type: 'Filled',
          tradeId: mode === 'poison' && i === 2 ? 'poison' : `t${i}`,
          quantity: '1',
          price: '20000.00',
          commission: '0.5',
        },
      } as never);
      await sleep(20);
    }
    // Execution has applied every fill (each order FILLED) and told the portfolio of each.
    await waitFor(
      async () => ((await execution.ask('openOrders', {})) as Order[]).length === 0 || undefined,
      20_000,
      'every order filled in execution',
    );
    await waitFor(
      () =>
        events.some((event) => event.type === 'child-restarted' && event.child === 'portfolio') || undefined,
      20_000,
      'the portfolio to restart',
    );
    if (mode === 'poison') await sleep(1500);
    const portfolio = system.ref('portfolio', portfolioProtocol);
    let held = '0';
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const reply = await portfolio.ask('snapshot', {}).catch(() => undefined);
      held = reply?.positions.find((p) => p.instrumentId === btcSpec.id)?.quantity ?? '0';
      if (Number(held) === (mode === 'poison' ? ORDERS - 1 : ORDERS)) break;
      await sleep(50);
    }
    const refused = system.deadLetters
      .recent()
      .filter((letter) => letter.to === 'portfolio' && letter.type === 'fill')
      .map((letter) => letter.reason);
    const restarts = events.filter((e) => e.type === 'child-restarted' && e.child === 'portfolio').length;
    return { held, refused, restarts };
  } finally {
    await system.stop();
    await store.close();
    dir.remove();
  }
}

describe('a fill being handled when the portfolio worker dies of an unrelated cause', () => {
  for (const mode of ['memory', 'stall'] as const) {
    it(`is applied by the next incarnation (${mode})`, async () => {
      const { held, refused } = await run(mode);
      // Before the fix: { held: 2, refused: ['its handling crashed an earlier incarnation of the receiver'] }.
      expect({ held: Number(held), refused }).toEqual({ held: ORDERS, refused: [] });
    }, 90_000);
  }
});

describe('a fill that kills every portfolio incarnation that handles it', () => {
  it('is still refused, after at most two restarts, and the node goes on', async () => {
    const { held, refused, restarts } = await run('poison');
    expect(refused).toEqual(['its handling crashed an earlier incarnation of the receiver']);
    expect(Number(held)).toBe(ORDERS - 1);
    expect(restarts).toBeGreaterThanOrEqual(1);
    expect(restarts).toBeLessThanOrEqual(2);
  }, 90_000);
});
