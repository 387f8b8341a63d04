import { describe, expect, it } from 'vitest';
import { executionProtocol } from '../../actors/execution/protocol.ts';
import { portfolioProtocol } from '../../actors/portfolio/protocol.ts';
import { Decimal } from '../../src/domain/decimal.ts';
import type { Order } from '../../src/domain/order.ts';
import type { SupervisorEvent } from '../../src/index.ts';
import { checkIntegrity } from '../../src/persistence/integrity.ts';
import { FoxtrotStore } from '../../src/persistence/store.ts';
import { startCoreOnLmdb, submitThroughRisk } from '../support/core-on-lmdb.ts';
import { sleep, waitFor } from '../support/system.ts';
import { tempDir } from '../support/temp-dir.ts';

const ORDERS = 20;
const FILLS_PER_ORDER = 5;

/** Every order's venue events: an acknowledgement, then five fills of 0.2. */
function venueEvents(): Array<{ clientOrderId: string; event: Record<string, unknown> }> {
  const events: Array<{ clientOrderId: string; event: Record<string, unknown> }> = [];
  for (let i = 1; i <= ORDERS; i++)
    events.push({ clientOrderId: `o${i}`, event: { type: 'Accepted', venueOrderId: `v${i}` } });
  for (let f = 1; f <= FILLS_PER_ORDER; f++) {
    for (let i = 1; i <= ORDERS; i++) {
      const price = (20000 - i).toFixed(2);
      events.push({
        clientOrderId: `o${i}`,
        event: { type: 'Filled', tradeId: `t${i}-${f}`, quantity: '0.2', price, commission: '0.5' },
      });
    }
  }
  return events;
}

interface Outcome {
  orders: Array<Pick<Order, 'clientOrderId' | 'status' | 'filledQuantity' | 'tradeIds'>>;
  portfolio: unknown;
  restarts: number;
  integrity: ReturnType<typeof checkIntegrity>;
  /** The last sequence number of each order's stream: the order events journaled. */
  orderStreams: Record<string, number>;
}

/** Runs the same flow of orders and venue reports, crashing execution and portfolio mid-stream if asked. */
async function run(crash: boolean): Promise<Outcome> {
  const dir = tempDir(crash ? 'crash' : 'calm');
  const store = FoxtrotStore.open(dir.path);
  const events: SupervisorEvent[] = [];
  const system = await startCoreOnLmdb(store, events);
  try {
    const execution = system.ref('execution', executionProtocol);
    await submitThroughRisk(system, ORDERS);
    // A fault is injected once the actor runs again (it may still be restarting from the last one).
    const inject = (id: string, fault: 'exit' | 'throw') =>
      waitFor(
        () =>
          system.injectFault(id, fault).then(
            () => true,
            () => undefined,
          ),
        10_000,
        `${fault} in ${id}`,
      );
    const flow = venueEvents();
    for (const [index, report] of flow.entries()) {
      execution.tell('venueEvent', report as never);
      if (crash && index === 30) await inject('execution', 'exit');
      if (crash && index === 60) await inject('portfolio', 'throw');
      if (crash && index === 75) await inject('execution', 'throw');
      if (index % 10 === 9) await sleep(5);
    }
    const filled = await waitFor(
      async () => {
        const open = (await execution.ask('openOrders', {})) as Order[];
        return open.length === 0 ? true : undefined;
      },
      20_000,
      'every order filled',
    );
    expect(filled).toBe(true);
    const orders: Outcome['orders'] = [];
    for (let i = 1; i <= ORDERS; i++) {
      const reply = await execution.ask('order', { clientOrderId: `o${i}` });
      if (!reply.found) throw new Error(`order o${i} is not known to execution`);
      const order = reply.order as Order;
      orders.push({
        clientOrderId: order.clientOrderId,
        status: order.status,
        filledQuantity: order.filledQuantity,
        tradeIds: [...order.tradeIds].sort(),
      });
    }
    const portfolio = system.ref('portfolio', portfolioProtocol);
    // The portfolio catches up on the fills execution resends it after its restart.
    const snapshot = await waitFor(
      async () => {
        const reply = (await portfolio.ask('snapshot', {})) as { positions: Array<{ quantity: string }> };
        const held = reply.positions[0]?.quantity;
        return held !== undefined && Decimal.parse(held).eq(Decimal.of(ORDERS)) ? reply : undefined;
      },
      20_000,
      'the portfolio to hold every fill',
    );
    const integrity = checkIntegrity(store);
    return {
      orders,
      portfolio: snapshot,
      restarts: events.filter((event) => event.type === 'child-restarted').length,
      integrity,
      orderStreams: Object.fromEntries(
        Object.entries(integrity.heads).filter(([stream]) => stream.startsWith('order:')),
      ),
    };
  } finally {
    await system.stop();
    await store.close();
    dir.remove();
  }
}

describe('execution and portfolio crashing while fills flow', () => {
  it('end in the state of a run without crashes, with a journal that holds each fill once', async () => {
    const calm = await run(false);
    const crashed = await run(true);
    expect(calm.restarts).toBe(0);
    expect(crashed.restarts).toBe(3);
    expect(crashed.orders).toEqual(calm.orders);
    expect(
      crashed.orders.every((order) => order.status === 'FILLED' && order.tradeIds.length === FILLS_PER_ORDER),
    ).toBe(true);
    expect(crashed.portfolio).toEqual(calm.portfolio);
    // The messages journaled for replay differ with the restarts; the order events may not.
    expect(crashed.integrity.problems).toEqual([]);
    expect(calm.integrity.problems).toEqual([]);
    expect(Object.keys(crashed.orderStreams)).toHaveLength(ORDERS);
    expect(crashed.orderStreams).toEqual(calm.orderStreams);
  }, 120_000);
});
