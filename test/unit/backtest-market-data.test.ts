import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MarketDataMerge } from '../../src/backtest/market-data-files.ts';
import { DEFAULT_CONFIG } from '../../src/node/config.ts';
import { tempDir } from '../support/temp-dir.ts';

const instruments = DEFAULT_CONFIG.venue.instruments;
const dir = tempDir('backtest-data');

function file(name: string, text: string): string {
  const path = join(dir.path, name);
  writeFileSync(path, text);
  return path;
}

async function all(merge: MarketDataMerge) {
  const out: Array<{ ts: number; id: string; file: string; line: number }> = [];
  for await (const { item, file: from, line } of merge.ticks()) {
    out.push({ ts: item.tick.ts, id: item.tick.instrumentId, file: from.split('/').pop() as string, line });
  }
  return out;
}

const quotes = [
  'instrumentId,ts,bid,ask,bidSize,askSize',
  'BTCUSDT.SIM,1000,60000.00,60001.00,1.000,1.000',
  'BTCUSDT.SIM,3000,60000.50,60001.50,1.000,1.000',
  'BTCUSDT.SIM,5000,60001.00,60002.00,1.000,1.000',
].join('\n');
const trades = [
  '{"instrumentId":"ETHUSDT.SIM","ts":2000,"price":"3000.00","size":"0.100"}',
  '{"instrumentId":"ETHUSDT.SIM","ts":3000,"price":"3000.10","size":"0.100","side":"BUY"}',
  '{"instrumentId":"ETHUSDT.SIM","ts":6000,"price":"3000.20","size":"0.100"}',
].join('\n');

describe('market data for a backtest: several files merged in time order', () => {
  afterAll(() => dir.remove());

  it('merges by ts, a tie going to the file named first, within --from/--to', async () => {
    const merged = await all(
      new MarketDataMerge([file('q.csv', quotes), file('t.jsonl', trades)], { instruments }),
    );
    expect(merged.map(({ ts, file: from }) => `${ts}:${from}`)).toEqual([
      '1000:q.csv',
      '2000:t.jsonl',
      '3000:q.csv',
      '3000:t.jsonl',
      '5000:q.csv',
      '6000:t.jsonl',
    ]);
    const ranged = await all(
      new MarketDataMerge([file('q.csv', quotes), file('t.jsonl', trades)], {
        instruments,
        from: 2000,
        to: 5000,
      }),
    );
    expect(ranged.map(({ ts }) => ts)).toEqual([2000, 3000, 3000, 5000]);
  });

  it('stops at a malformed line naming the file and line, or skips and counts it with skipBadLines', async () => {
    const bad = file(
      'bad.csv',
      `${quotes}\nBTCUSDT.SIM,6000,60001.00,oops,1.000,1.000\nBTCUSDT.SIM,7000,60001.00,60002.00,1.000,1.000`,
    );
    await expect(all(new MarketDataMerge([bad], { instruments }))).rejects.toThrow(
      /bad\.csv:5: .*ask.*--skip-bad-lines/,
    );
    const merge = new MarketDataMerge([bad], { instruments, skipBadLines: true });
    expect((await all(merge)).map(({ ts }) => ts)).toEqual([1000, 3000, 5000, 7000]);
    expect(merge.skipped.get(bad)).toBe(1);
  });

  it('refuses a tick earlier than the one before it in its file, and an instrument not traded', async () => {
    const backwards = file(
      'back.jsonl',
      `${trades}\n{"instrumentId":"ETHUSDT.SIM","ts":100,"price":"3000.00","size":"0.100"}`,
    );
    await expect(all(new MarketDataMerge([backwards], { instruments }))).rejects.toThrow(
      /back\.jsonl:4: ts 100 is earlier than the line before it \(6000\)/,
    );
    const unknown = file(
      'unknown.jsonl',
      '{"instrumentId":"DOGEUSDT.SIM","ts":1,"price":"0.10","size":"1.000"}',
    );
    await expect(all(new MarketDataMerge([unknown], { instruments }))).rejects.toThrow(
      /unknown\.jsonl:1: .*DOGEUSDT\.SIM is not an instrument replayed/,
    );
  });

  it('refuses a missing file and an empty list of files at once', () => {
    expect(() => new MarketDataMerge([join(dir.path, 'nope.csv')], { instruments })).toThrow(
      /nope\.csv does not exist/,
    );
    expect(() => new MarketDataMerge([], { instruments })).toThrow(/no market data file given/);
  });

  it('reads the shipped sample data (samples/, written by scripts/generate-sample-data.ts)', async () => {
    const samples = ['BTCUSDT.SIM-quotes.csv', 'ETHUSDT.SIM-trades.jsonl'].map(
      (name) => new URL(`../../samples/${name}`, import.meta.url).pathname,
    );
    let count = 0;
    let last = 0;
    for await (const { item } of new MarketDataMerge(samples, { instruments }).ticks()) {
      expect(item.tick.ts).toBeGreaterThanOrEqual(last);
      last = item.tick.ts;
      count += 1;
    }
    expect(count).toBe(28_800 + 6_600);
  });
});
