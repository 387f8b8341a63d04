import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CsvHeader,
  type MarketDataChunk,
  parseCsvHeader,
  parseMarketDataLine,
  readMarketData,
} from '../../actors/venue-sim/replay-file.ts';
import { btcSpec } from '../fixtures/instruments.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/replay/${name}`, import.meta.url));
const header = (text: string) => parseCsvHeader(text) as CsvHeader;

async function readAll(file: string, options = {}) {
  const chunks: MarketDataChunk[] = [];
  for await (const chunk of readMarketData(file, options)) chunks.push(chunk);
  return chunks;
}

describe('a market data line', () => {
  const both = header('type,instrumentId,ts,bid,ask,bidSize,askSize,price,size,side');

  it('parses CSV quotes and trades by the type column, and infers the kind of a file without one', () => {
    expect(parseMarketDataLine('quote,BTCUSDT.SIM,5,1.00,1.10,2,3,,,', 2, 'csv', both)).toEqual({
      ticks: [
        {
          kind: 'quote',
          tick: { instrumentId: 'BTCUSDT.SIM', ts: 5, bid: '1.00', ask: '1.10', bidSize: '2', askSize: '3' },
        },
      ],
    });
    expect(parseMarketDataLine('trade,BTCUSDT.SIM,6,,,,,1.05,0.5,SELL', 3, 'csv', both)).toEqual({
      ticks: [
        {
          kind: 'trade',
          tick: { instrumentId: 'BTCUSDT.SIM', ts: 6, price: '1.05', size: '0.5', aggressor: 'SELL' },
        },
      ],
    });
    const trades = header('instrumentId,ts,price,size');
    expect(parseMarketDataLine('BTCUSDT.SIM,7,1.05,0.5', 2, 'csv', trades)).toMatchObject({
      ticks: [{ kind: 'trade' }],
    });
  });

  it('names the line and the field of what is wrong', () => {
    const cases: Array<[string, string]> = [
      ['quote,BTCUSDT.SIM,5,1.0x,1.10,2,3,,,', 'line 9: bid: "1.0x" is not a decimal number'],
      ['quote,BTCUSDT.SIM,5,1.20,1.10,2,3,,,', 'line 9: bid: 1.20 is not below the ask 1.10'],
      ['quote,BTCUSDT.SIM,5,1.00,1.10,0,3,,,', 'line 9: bidSize: 0 must be positive'],
      ['quote,BTCUSDT.SIM,yesterday,1.00,1.10,2,3,,,', 'line 9: ts: "yesterday" is not a time in epoch ms'],
      ['trade,BTCUSDT.SIM,6,,,,,1.05,,', 'line 9: size: missing'],
      ['trade,BTCUSDT.SIM,6,,,,,1.05,1,LEFT', 'line 9: side: "LEFT" is not BUY or SELL'],
      ['candle,BTCUSDT.SIM,6,,,,,1.05,1,', 'line 9: type: "candle" is not quote, trade or bar'],
      ['quote,BTCUSDT.SIM,5', 'line 9: 3 fields where the header has 10'],
    ];
    for (const [text, error] of cases) expect(parseMarketDataLine(text, 9, 'csv', both)).toEqual({ error });
    expect(parseMarketDataLine('{"type":"quote"', 4, 'jsonl')).toEqual({ error: 'line 4: not valid JSON' });
  });

  it('passes over blank lines and comments', () => {
    expect(parseMarketDataLine('   ', 1, 'jsonl')).toBeUndefined();
    expect(parseMarketDataLine('# a note', 1, 'csv', both)).toBeUndefined();
  });

  it('refuses a CSV header with unknown, repeated or missing columns', () => {
    expect(parseCsvHeader('instrumentId,ts,bid,ask,bidSize,askSize,mid')).toBe(
      "header: unknown column 'mid'",
    );
    expect(parseCsvHeader('instrumentId,ts,ts')).toBe("header: column 'ts' appears twice");
    expect(parseCsvHeader('instrumentId,bid,ask,bidSize,askSize')).toBe("header: no 'ts' column");
  });

  it('reads back any quote it writes, in both formats', () => {
    const decimal = fc
      .tuple(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 4 }))
      .map(([units, scale]) => (units / 10 ** scale).toFixed(scale));
    fc.assert(
      fc.property(decimal, decimal, decimal, fc.nat(), (bid, bidSize, askSize, ts) => {
        const ask = (Number(bid) + 1).toFixed(4);
        const quote = { instrumentId: 'BTCUSDT.SIM', ts, bid, ask, bidSize, askSize };
        const csv = `quote,BTCUSDT.SIM,${ts},${bid},${ask},${bidSize},${askSize},,,`;
        expect(parseMarketDataLine(csv, 2, 'csv', both)).toEqual({ ticks: [{ kind: 'quote', tick: quote }] });
        expect(parseMarketDataLine(JSON.stringify(quote), 1, 'jsonl')).toEqual({
          ticks: [{ kind: 'quote', tick: quote }],
        });
      }),
    );
  });
});

describe('the market data reader', () => {
  it('streams good ticks in chunks and reports bad lines with their numbers', async () => {
    const chunks = await readAll(fixture('btc-ticks.csv'), { chunkSize: 2 });
    expect(chunks.map((chunk) => chunk.lastLine)).toEqual([4, 6, 8]);
    expect(chunks.flatMap((chunk) => chunk.lines)).toEqual([3, 4, 5, 7, 8]);
    expect(chunks.flatMap((chunk) => chunk.problems)).toEqual([
      { line: 6, message: 'line 6: bid: "20000.abc" is not a decimal number' },
    ]);
    expect(chunks[1]?.ticks[0]).toEqual({
      kind: 'trade',
      tick: {
        instrumentId: 'BTCUSDT.SIM',
        ts: 1700000000150,
        price: '20000.60',
        size: '0.250',
        aggressor: 'BUY',
      },
    });
  });

  it('resumes after a line, reading the CSV header wherever it is', async () => {
    const chunks = await readAll(fixture('btc-ticks.csv'), { afterLine: 6 });
    expect(chunks.flatMap((chunk) => chunk.lines)).toEqual([7, 8]);
  });

  it('reads JSONL, inferring the kind from the fields, and checks ticks against the instruments', async () => {
    const chunks = await readAll(fixture('btc-ticks.jsonl'), {
      instruments: [{ ...btcSpec, tickSize: '0.20' }],
    });
    expect(chunks.flatMap((chunk) => chunk.lines)).toEqual([2]);
    expect(chunks.flatMap((chunk) => chunk.problems.map((problem) => problem.message))).toEqual([
      'line 1: ask 20000.50 is not a multiple of the tick size 0.20',
      'line 4: bid: 20000.80 is not below the ask 20000.70',
      'line 5: ask 20000.70 is not a multiple of the tick size 0.20',
    ]);
  });

  it('fails on a CSV file whose header it cannot read', async () => {
    await expect(readAll(fixture('btc-ticks.jsonl'), { format: 'csv' })).rejects.toThrow(
      /header: unknown column/,
    );
  });
});
