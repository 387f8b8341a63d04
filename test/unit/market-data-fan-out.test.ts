import { describe, expect, it } from 'vitest';
import { FanOut, type Outlet } from '../../actors/market-data/fan-out.ts';

/** An outlet whose receivers take messages only when the test acknowledges them, as a slow peer would. */
class TestOutlet implements Outlet {
  readonly sent: Array<{ to: string; type: string; payload: unknown }> = [];
  private readonly inFlight = new Map<string, number>();
  private waiters: Array<() => void> = [];

  tell(to: string, type: string, payload: unknown): boolean {
    this.sent.push({ to, type, payload });
    this.inFlight.set(to, (this.inFlight.get(to) ?? 0) + 1);
    return true;
  }

  room(to: string, limit: number): number {
    return Math.max(0, limit - (this.inFlight.get(to) ?? 0));
  }

  writable(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** `to` handled everything sent to it. */
  async ack(to: string): Promise<void> {
    this.inFlight.set(to, 0);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
    await Promise.resolve();
  }

  to(receiver: string): unknown[] {
    return this.sent.filter((m) => m.to === receiver).map((m) => m.payload);
  }
}

describe('fan-out', () => {
  it('sends at once while a receiver has fewer than maxInFlight unacknowledged', () => {
    const outlet = new TestOutlet();
    const fanOut = new FanOut(outlet, 3);
    for (const n of [1, 2, 3]) fanOut.deliver('a', 'quote X', 'quote', n);
    expect(outlet.to('a')).toEqual([1, 2, 3]);
    expect(fanOut.counts('a')).toEqual({ delivered: 3, dropped: 0 });
  });

  it('keeps only the latest value per key beyond the bound, counts the rest as dropped, sends it on room', async () => {
    const outlet = new TestOutlet();
    const fanOut = new FanOut(outlet, 2);
    for (const n of [1, 2, 3, 4, 5]) fanOut.deliver('a', 'quote X', 'quote', n);
    fanOut.deliver('a', 'trade X', 'trade', 't1');
    expect(outlet.to('a')).toEqual([1, 2]);
    expect(fanOut.counts('a')).toEqual({ delivered: 2, dropped: 2 });
    expect(fanOut.backlog('a')).toBe(2);
    await outlet.ack('a');
    expect(outlet.to('a')).toEqual([1, 2, 5, 't1']);
    expect(fanOut.counts('a')).toEqual({ delivered: 4, dropped: 2 });
    expect(fanOut.backlog('a')).toBe(0);
  });

  it('sends what it kept in the order of the latest values, before anything newer', async () => {
    const outlet = new TestOutlet();
    const fanOut = new FanOut(outlet, 1);
    fanOut.deliver('a', 'quote X', 'quote', 'x1');
    fanOut.deliver('a', 'quote X', 'quote', 'x2');
    fanOut.deliver('a', 'quote Y', 'quote', 'y1');
    fanOut.deliver('a', 'quote X', 'quote', 'x3');
    await outlet.ack('a');
    expect(outlet.to('a')).toEqual(['x1', 'y1']);
    // One more acknowledgement lets the kept x3 out; a new value waits behind it rather than overtaking it.
    await outlet.ack('a');
    fanOut.deliver('a', 'quote Y', 'quote', 'y2');
    expect(outlet.to('a')).toEqual(['x1', 'y1', 'x3']);
    await outlet.ack('a');
    expect(outlet.to('a')).toEqual(['x1', 'y1', 'x3', 'y2']);
  });

  it('does not hold back a fast receiver for a slow one', async () => {
    const outlet = new TestOutlet();
    const fanOut = new FanOut(outlet, 4);
    for (let n = 1; n <= 100; n += 1) {
      fanOut.deliver('slow', 'trade X', 'trade', n);
      fanOut.deliver('fast', 'trade X', 'trade', n);
      await outlet.ack('fast');
    }
    expect(outlet.to('fast')).toHaveLength(100);
    expect(outlet.to('slow')).toEqual([1, 2, 3, 4]);
    expect(fanOut.counts('slow')).toEqual({ delivered: 4, dropped: 95 });
    await outlet.ack('slow');
    expect(outlet.to('slow')).toEqual([1, 2, 3, 4, 100]);
    expect(fanOut.counts('slow')).toEqual({ delivered: 5, dropped: 95 });
  });

  it('keeps kinds and instruments apart: a bar is not replaced by a tick', async () => {
    const outlet = new TestOutlet();
    const fanOut = new FanOut(outlet, 1);
    fanOut.deliver('a', 'quote X', 'quote', 'q0');
    fanOut.deliver('a', 'bar 1000 X', 'bar', 'b1');
    fanOut.deliver('a', 'quote X', 'quote', 'q1');
    fanOut.deliver('a', 'quote Y', 'quote', 'qy');
    for (let i = 0; i < 3; i += 1) await outlet.ack('a');
    expect(outlet.to('a')).toEqual(['q0', 'b1', 'q1', 'qy']);
    expect(fanOut.counts('a').dropped).toBe(0);
  });
});
