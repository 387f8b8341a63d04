import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimeBars } from '../../actors/market-data/bars.ts';
import { midOf } from '../../actors/market-data/mid.ts';
import { Decimal } from '../../src/domain/decimal.ts';
import type { Bar } from '../../src/domain/market-data.ts';

/*
 * The bar aggregator against a naive model: the model keeps every accepted tick of the open interval in a list
 * and computes a bar from the list when it closes, with prices as plain integers at a fixed scale. Ticks come
 * with random jitter (some late), interleaved with timer closes.
 */

type Event =
  | { kind: 'trade'; ts: number; price: string; size: string }
  | { kind: 'quote'; ts: number; bid: string; ask: string }
  | { kind: 'close'; now: number };

const SCALE = 6;

/** Decimal text as an integer number of 10^-SCALE: the model's own arithmetic, independent of Decimal. */
function fixed(text: string): bigint {
  const [whole = '0', fraction = ''] = text.split('.');
  return BigInt(whole + fraction.padEnd(SCALE, '0'));
}

function scaleOf(text: string): number {
  return text.split('.')[1]?.length ?? 0;
}

/** The mid at the finer scale of bid and ask, half-even, as text. */
function modelMid(bid: string, ask: string): string {
  const scale = Math.max(scaleOf(bid), scaleOf(ask));
  const sum = (fixed(bid) + fixed(ask)) / 10n ** BigInt(SCALE - scale);
  let mid = sum / 2n;
  if (sum % 2n === 1n && mid % 2n === 1n) mid += 1n;
  const digits = mid.toString().padStart(scale + 1, '0');
  return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

interface ModelTick {
  price: string;
  size: string;
}

function modelBar(
  instrumentId: string,
  intervalMs: number,
  start: number,
  trades: ModelTick[],
  mids: ModelTick[],
) {
  const ticks = trades.length > 0 ? trades : mids;
  let high = ticks[0] as ModelTick;
  let low = ticks[0] as ModelTick;
  let volume = 0n;
  for (const tick of ticks) {
    if (fixed(tick.price) > fixed(high.price)) high = tick;
    if (fixed(tick.price) < fixed(low.price)) low = tick;
    volume += fixed(tick.size);
  }
  return {
    instrumentId,
    intervalMs,
    start,
    open: ticks[0]?.price,
    high: high.price,
    low: low.price,
    close: ticks.at(-1)?.price,
    volume,
    ticks: ticks.length,
  };
}

function model(events: Event[], intervalMs: number) {
  const emitted: Array<{ at: number; bar: ReturnType<typeof modelBar> }> = [];
  let floor = Number.NEGATIVE_INFINITY;
  let open: { start: number; trades: ModelTick[]; mids: ModelTick[] } | undefined;
  const close = (at: number) => {
    if (open === undefined) return;
    emitted.push({ at, bar: modelBar('X.SIM', intervalMs, open.start, open.trades, open.mids) });
    open = undefined;
  };
  events.forEach((event, at) => {
    if (event.kind === 'close') {
      if (open !== undefined && open.start + intervalMs <= event.now) {
        floor = open.start + intervalMs;
        close(at);
      }
      return;
    }
    if (event.ts < floor) return;
    const start = event.ts - (event.ts % intervalMs);
    if (open !== undefined && start > open.start) close(at);
    if (open === undefined) {
      open = { start, trades: [], mids: [] };
      floor = start;
    }
    if (event.kind === 'trade') open.trades.push({ price: event.price, size: event.size });
    else open.mids.push({ price: modelMid(event.bid, event.ask), size: '0' });
  });
  close(events.length);
  return emitted;
}

function run(events: Event[], intervalMs: number) {
  const bars = new TimeBars('X.SIM', intervalMs);
  const emitted: Array<{ at: number; bar: Bar }> = [];
  events.forEach((event, at) => {
    let bar: Bar | undefined;
    if (event.kind === 'close') bar = bars.closeUntil(event.now);
    else if (event.kind === 'trade')
      bar = bars.trade(Decimal.parse(event.price), Decimal.parse(event.size), event.ts);
    else bar = bars.mid(midOf(Decimal.parse(event.bid), Decimal.parse(event.ask)), event.ts);
    if (bar !== undefined) emitted.push({ at, bar });
  });
  const last = bars.closeUntil(Number.POSITIVE_INFINITY);
  if (last !== undefined) emitted.push({ at: events.length, bar: last });
  return emitted;
}

/** Wide values, and small ones written at several scales (`2`, `2.0`, `2.00`): equal prices must tie the same way. */
const decimalText = fc.oneof(
  fc
    .record({ units: fc.bigInt({ min: 1n, max: 200_000n }), scale: fc.integer({ min: 0, max: 3 }) })
    .map(({ units, scale }) => Decimal.fromUnits(units, scale).toString()),
  fc
    .record({ value: fc.integer({ min: 1, max: 5 }), zeros: fc.integer({ min: 0, max: 2 }) })
    .map(({ value, zeros }) => Decimal.of(value).rescale(zeros).toString()),
);

const step = fc.oneof(
  fc.record({
    kind: fc.constant('trade' as const),
    advance: fc.nat(40),
    jitter: fc.integer({ min: -60, max: 0 }),
    price: decimalText,
    size: decimalText,
  }),
  fc.record({
    kind: fc.constant('quote' as const),
    advance: fc.nat(40),
    jitter: fc.integer({ min: -60, max: 0 }),
    bid: decimalText,
    ask: decimalText,
  }),
  fc.record({ kind: fc.constant('close' as const), advance: fc.nat(80), jitter: fc.constant(0) }),
);

const scenario = fc.record({
  intervalMs: fc.constantFrom(1, 7, 50, 100, 1000),
  steps: fc.array(step, { maxLength: 200 }),
});

function eventsOf(steps: Array<typeof step extends fc.Arbitrary<infer T> ? T : never>): Event[] {
  let clock = 1000;
  return steps.map((s) => {
    clock += s.advance;
    const ts = Math.max(0, clock + s.jitter);
    if (s.kind === 'close') return { kind: 'close', now: clock };
    if (s.kind === 'trade') return { kind: 'trade', ts, price: s.price, size: s.size };
    return { kind: 'quote', ts, bid: s.bid, ask: s.ask };
  });
}

describe('time bars against a naive model', () => {
  it('emit the same bars, with the same OHLCV, at the same events', () => {
    fc.assert(
      fc.property(scenario, ({ intervalMs, steps }) => {
        const events = eventsOf(steps);
        const actual = run(events, intervalMs);
        const expected = model(events, intervalMs);
        expect(actual.map(({ at, bar }) => ({ at, bar: { ...bar, volume: fixed(bar.volume) } }))).toEqual(
          expected,
        );
      }),
      { numRuns: 500 },
    );
  });

  it('emit bars in order of their intervals, each with at least one tick', () => {
    fc.assert(
      fc.property(scenario, ({ intervalMs, steps }) => {
        const bars = run(eventsOf(steps), intervalMs).map(({ bar }) => bar);
        for (let i = 1; i < bars.length; i += 1)
          expect((bars[i] as Bar).start).toBeGreaterThan((bars[i - 1] as Bar).start);
        for (const bar of bars) {
          expect(bar.ticks).toBeGreaterThan(0);
          expect(bar.start % intervalMs).toBe(0);
          expect(Decimal.parse(bar.low).lte(Decimal.parse(bar.high))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
