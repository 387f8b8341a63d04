import { describe, expect, it } from 'vitest';
import { HostedStrategyContext } from '../../actors/strategy-host/context.ts';
import type { Order } from '../../src/domain/order.ts';
import { btcSpec } from '../fixtures/instruments.ts';

function contextAt(now: number) {
  const sent: Array<{ to: string; type: string; payload: unknown }> = [];
  const warnings: string[] = [];
  const ctx = new HostedStrategyContext({
    strategyId: 'mm-1',
    params: { size: '1' },
    instruments: [btcSpec],
    riskId: 'risk',
    ports: {
      tell: (to, type, payload) => sent.push({ to, type, payload }),
      now: () => now,
      log: { info: () => undefined, warn: (message) => warnings.push(message), error: () => undefined },
    },
  });
  return { ctx, sent, warnings };
}

const limit = {
  instrumentId: 'BTCUSDT.SIM',
  side: 'BUY',
  type: 'LIMIT',
  quantity: '1',
  price: '100.00',
} as const;

describe('the strategy context a host gives its strategy', () => {
  it('sends orders to risk under the strategy id, with client order ids unique across incarnations', () => {
    const first = contextAt(1_000);
    const id = first.ctx.submit(limit);
    expect(first.sent).toEqual([
      { to: 'risk', type: 'submit', payload: { order: { ...limit, clientOrderId: id, strategyId: 'mm-1' } } },
    ]);
    const again = first.ctx.submit(limit);
    const restarted = contextAt(1_050).ctx.submit(limit);
    expect(new Set([id, again, restarted]).size).toBe(3);
    expect(first.ctx.counters.ordersSubmitted).toBe(2);
  });

  it('refuses a malformed order at once, naming the field', () => {
    const { ctx, sent } = contextAt(1);
    expect(() => ctx.submit({ ...limit, quantity: '1e3' })).toThrow(/invalid order \(\/quantity/);
    expect(sent).toEqual([]);
  });

  it('refuses an order that sets the ids the host gives it', () => {
    const { ctx, sent } = contextAt(1);
    const order = { ...limit, clientOrderId: 'mine' } as unknown as Parameters<typeof ctx.submit>[0];
    expect(() => ctx.submit(order)).toThrow(/invalid order \(\/clientOrderId/);
    expect(sent).toEqual([]);
  });

  it('cancels through risk, and modifies with the order instrument, known before or after its first report', () => {
    const { ctx, sent, warnings } = contextAt(1);
    const id = ctx.submit(limit);
    ctx.modify(id, { price: '101.00' });
    ctx.reported(id);
    ctx.views = {
      openOrders: { [id]: { clientOrderId: id, instrumentId: 'BTCUSDT.SIM' } as Order },
      positions: {},
    };
    ctx.modify(id, { quantity: '2' });
    ctx.cancel(id);
    ctx.modify('gone', { price: '1.00' });
    expect(sent.slice(1)).toEqual([
      {
        to: 'risk',
        type: 'modify',
        payload: { clientOrderId: id, instrumentId: 'BTCUSDT.SIM', price: '101.00' },
      },
      {
        to: 'risk',
        type: 'modify',
        payload: { clientOrderId: id, instrumentId: 'BTCUSDT.SIM', quantity: '2' },
      },
      { to: 'risk', type: 'cancel', payload: { clientOrderId: id } },
    ]);
    expect(warnings).toEqual(['modify of an order that is not open ignored']);
  });

  it('reads instruments, positions and open orders from what the host set', () => {
    const { ctx } = contextAt(1);
    const order = { clientOrderId: 'a', instrumentId: 'BTCUSDT.SIM' } as Order;
    const other = { clientOrderId: 'b', instrumentId: 'ETHUSDT.SIM' } as Order;
    const position = { instrumentId: 'BTCUSDT.SIM', positionId: 'BTCUSDT.SIM', quantity: '0.5' };
    ctx.views = { openOrders: { a: order, b: other }, positions: { 'BTCUSDT.SIM': position } };
    expect(ctx.instrument('BTCUSDT.SIM')).toBe(btcSpec);
    expect(ctx.instrument('ETHUSDT.SIM')).toBeUndefined();
    expect(ctx.position('BTCUSDT.SIM')).toEqual(position);
    expect(ctx.openOrders('BTCUSDT.SIM')).toEqual([order]);
    expect(ctx.openOrders()).toHaveLength(2);
    expect(ctx.params).toEqual({ size: '1' });
  });
});
