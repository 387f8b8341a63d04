import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Bar, barTrades, checkBar } from '../../actors/venue-sim/bar-ticks.ts';
import {
  type MarketDataChunk,
  parseCsvHeader,
  parseMarketDataLine,
  readMarketData,
} from '../../actors/venue-sim/replay-file.ts';
import { Decimal } from '../../src/domain/decimal.ts';
import { btcSpec } from '../fixtures/instruments.ts';

const bar = (change: Partial<Bar> = {}): Bar => ({
  instrumentId: 'BTCUSDT.SIM',
  ts: 60_000,
  durationMs: 60_000,
  open: '100.00',
  high: '110.00',
  low: '95.00',
  close: '105.00',
  volume: '8.000',
  ...change,
});

const sum = (texts: string[]) =>
  texts.reduce((total, text) => total.add(Decimal.parse(text)), Decimal.zero());

describe('a bar replayed as trades', () => {
  it('dips first in an up bar and rises first in a down or flat bar, inside the bar and in time order', () => {
    expect(barTrades(bar()).map((t) => [t.ts, t.price, t.size])).toEqual([
      [60_000, '100.00', '2.000'],
      [79_999, '95.00', '2.000'],
      [99_999, '110.00', '2.000'],
      [119_999, '105.00', '2.000'],
    ]);
    expect(barTrades(bar({ close: '97.00' })).map((t) => t.price)).toEqual([
      '100.00',
      '110.00',
      '95.00',
      '97.00',
    ]);
    expect(barTrades(bar({ close: '100.00' })).map((t) => t.price)).toEqual([
      '100.00',
      '110.00',
      '95.00',
      '100.00',
    ]);
  });

  it('splits the volume exactly, at the instrument size precision when that is coarser', () => {
    expect(barTrades(bar({ volume: '1.001' })).map((t) => t.size)).toEqual([
      '0.250',
      '0.250',
      '0.250',
      '0.251',
    ]);
    expect(barTrades(bar({ volume: '12.0005' }), 3).map((t) => t.size)).toEqual([
      '3.000',
      '3.000',
      '3.000',
      '3.000',
    ]);
    // A trade has a positive size: a bar of no volume still moves the price, with the smallest size there is.
    expect(barTrades(bar({ volume: '0.000' })).map((t) => t.size)).toEqual([
      '0.001',
      '0.001',
      '0.001',
      '0.001',
    ]);
  });

  it('names the price that does not fit the range', () => {
    expect(checkBar(bar())).toBeUndefined();
    expect(checkBar(bar({ high: '99.00' }))).toBe('open: 100.00 is above the high 99.00');
    expect(checkBar(bar({ low: '106.00', high: '120.00' }))).toBe('open: 100.00 is below the low 106.00');
    expect(checkBar(bar({ low: '111.00' }))).toBe('low: 111.00 is above the high 110.00');
    expect(checkBar(bar({ close: '94.99' }))).toBe('close: 94.99 is below the low 95.00');
  });

  it('keeps every bar whole: open first, close last, all in range and time, volume kept', () => {
    const price = fc.integer({ min: 1, max: 1_000_000 });
    fc.assert(
      fc.property(
        fc.array(price, { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 1, max: 86_400_000 }),
        fc.integer({ min: 4, max: 10_000_000 }),
        (prices, durationMs, volumeUnits) => {
          const [low, a, b, high] = [...prices].sort((x, y) => x - y) as [number, number, number, number];
          const text = (units: number) => Decimal.fromUnits(BigInt(units), 2).toString();
          const given = bar({
            ts: 1_000,
            durationMs,
            open: text(a),
            close: text(b),
            high: text(high),
            low: text(low),
            volume: Decimal.fromUnits(BigInt(volumeUnits), 3).toString(),
          });
          const trades = barTrades(given);
          expect(trades[0]?.price).toBe(given.open);
          expect(trades[3]?.price).toBe(given.close);
          expect(new Set(trades.slice(1, 3).map((t) => t.price))).toEqual(new Set([given.high, given.low]));
          const times = trades.map((t) => t.ts);
          expect(times).toEqual([...times].sort((x, y) => x - y));
          expect(times.every((ts) => ts >= given.ts && ts < given.ts + durationMs)).toBe(true);
          expect(sum(trades.map((t) => t.size)).eq(Decimal.parse(given.volume))).toBe(true);
        },
      ),
    );
  });
});

describe('a bar file', () => {
  const file = fileURLToPath(new URL('../fixtures/replay/btc-bars.csv', import.meta.url));

  it('is known by its columns, and its bars come out as four trades on their line', async () => {
    expect(parseCsvHeader('instrumentId,ts,durationMs,open,high,low,close,volume')).toMatchObject({
      kind: 'bar',
    });
    const chunks: MarketDataChunk[] = [];
    for await (const chunk of readMarketData(file, { instruments: [btcSpec] })) chunks.push(chunk);
    const ticks = chunks.flatMap((chunk) => chunk.ticks);
    expect(chunks.flatMap((chunk) => chunk.lines)).toEqual([3, 3, 3, 3, 4, 4, 4, 4]);
    expect(ticks.every((tick) => tick.kind === 'trade')).toBe(true);
    expect(ticks.map((tick) => (tick.kind === 'trade' ? tick.tick.price : ''))).toEqual([
      '20000.00',
      '19995.00',
      '20010.00',
      '20008.00',
      '20008.00',
      '20012.00',
      '19990.00',
      '19991.50',
    ]);
    // 12.0005 is beyond BTC's 3 places: the parts are of 12.000; 0.002 is too little to split, so it grows.
    const sizes = ticks.map((tick) => (tick.kind === 'trade' ? tick.tick.size : ''));
    expect(sizes).toEqual(['3.000', '3.000', '3.000', '3.000', '0.001', '0.001', '0.001', '0.002']);
    expect(chunks.flatMap((chunk) => chunk.problems)).toEqual([
      { line: 5, message: 'line 5: open: 19991.50 is above the high 19990.00' },
    ]);
  });

  it('says what a bar line lacks', () => {
    const bars = parseCsvHeader('type,instrumentId,ts,durationMs,open,high,low,close,volume');
    if (typeof bars === 'string') throw new Error(bars);
    expect(parseMarketDataLine('bar,BTCUSDT.SIM,0,0,1,2,1,2,3', 7, 'csv', bars)).toEqual({
      error: 'line 7: durationMs: "0" is not a whole number of ms above 0',
    });
    expect(parseMarketDataLine('bar,BTCUSDT.SIM,0,60000,1,2,1,2,', 7, 'csv', bars)).toEqual({
      error: 'line 7: volume: missing',
    });
    expect(
      parseMarketDataLine(
        '{"instrumentId":"BTCUSDT.SIM","ts":0,"durationMs":1000,"open":"1","high":"2","low":"1","close":"2","volume":"4"}',
        1,
        'jsonl',
      ),
    ).toMatchObject({ ticks: [{ kind: 'trade' }, { kind: 'trade' }, { kind: 'trade' }, { kind: 'trade' }] });
  });
});
