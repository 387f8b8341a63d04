// Writes the sample market data that `foxtrot backtest` runs on in a fresh clone (samples/, a few MB):
//   npx tsx scripts/generate-sample-data.ts
// Seeded random walks of the node's default instruments, so the same command always writes the same bytes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { stepMarket, syntheticMarket } from '../actors/venue-sim/synthetic-market.ts';
import { instrumentOf } from '../src/domain/instrument.ts';
import { DEFAULT_CONFIG } from '../src/node/config.ts';

const START = Date.UTC(2026, 0, 5, 0, 0, 0);
const HOURS = 2;
const out = new URL('../samples/', import.meta.url);
mkdirSync(out, { recursive: true });

const specOf = (id: string) => {
  const spec = DEFAULT_CONFIG.venue.instruments.find((candidate) => candidate.id === id);
  if (spec === undefined) throw new Error(`no default instrument ${id}`);
  return spec;
};

/** Quotes every `everyMs`: the best level of each side of the walk's book. */
function quotes(id: string, everyMs: number, seed: number): string {
  const instrument = instrumentOf(specOf(id));
  const market = DEFAULT_CONFIG.venue.markets[id];
  if (market === undefined) throw new Error(`no default market for ${id}`);
  let state = syntheticMarket({ ...market, seed }, instrument);
  const lines = ['instrumentId,ts,bid,ask,bidSize,askSize'];
  for (let ts = START; ts < START + HOURS * 3_600_000; ts += everyMs) {
    const stepped = stepMarket(state, instrument);
    state = stepped.state;
    const [bid, bidSize] = stepped.levels.bids[0] as [string, string];
    const [ask, askSize] = stepped.levels.asks[0] as [string, string];
    lines.push(`${id},${ts},${bid},${ask},${bidSize},${askSize}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Trades at random intervals (0.2 to 2 s) at the walk's best bid or ask, the side the aggressor's. */
function trades(id: string, seed: number): string {
  const instrument = instrumentOf(specOf(id));
  const market = DEFAULT_CONFIG.venue.markets[id];
  if (market === undefined) throw new Error(`no default market for ${id}`);
  let state = syntheticMarket({ ...market, seed }, instrument);
  const rng = xoroshiro128plus(seed + 1000);
  const lines: string[] = [];
  let n = 0;
  for (let ts = START; ts < START + HOURS * 3_600_000; ts += uniformInt(rng, 200, 2000)) {
    const stepped = stepMarket(state, instrument);
    state = stepped.state;
    const buy = uniformInt(rng, 0, 1) === 1;
    const [price] = (buy ? stepped.levels.asks[0] : stepped.levels.bids[0]) as [string, string];
    const size = (uniformInt(rng, 1, 500) / 1000).toFixed(3);
    n += 1;
    lines.push(
      JSON.stringify({ instrumentId: id, ts, price, size, side: buy ? 'BUY' : 'SELL', tradeId: `t${n}` }),
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Bars of `barMs` over `hours` hours, made of a trade a second at the walk's best bid or ask (the aggressor's side):
 * open, high, low and close of those trades, and their summed size as the volume.
 */
function bars(id: string, barMs: number, hours: number, seed: number): string {
  const instrument = instrumentOf(specOf(id));
  const market = DEFAULT_CONFIG.venue.markets[id];
  if (market === undefined) throw new Error(`no default market for ${id}`);
  let state = syntheticMarket({ ...market, seed }, instrument);
  const rng = xoroshiro128plus(seed + 1000);
  const lines = ['instrumentId,ts,durationMs,open,high,low,close,volume'];
  for (let start = START; start < START + hours * 3_600_000; start += barMs) {
    const prices: string[] = [];
    let volume = 0;
    for (let ts = start; ts < start + barMs; ts += 1000) {
      const stepped = stepMarket(state, instrument);
      state = stepped.state;
      const buy = uniformInt(rng, 0, 1) === 1;
      prices.push((buy ? stepped.levels.asks[0] : stepped.levels.bids[0])?.[0] as string);
      volume += uniformInt(rng, 1, 500);
    }
    const byValue = [...prices].sort((a, b) => Number(a) - Number(b));
    const [open, close] = [prices[0], prices[prices.length - 1]];
    const [low, high] = [byValue[0], byValue[byValue.length - 1]];
    lines.push(`${id},${start},${barMs},${open},${high},${low},${close},${(volume / 1000).toFixed(3)}`);
  }
  return `${lines.join('\n')}\n`;
}

const files: Array<[string, string]> = [
  ['BTCUSDT.SIM-quotes.csv', quotes('BTCUSDT.SIM', 250, 11)],
  ['ETHUSDT.SIM-trades.jsonl', trades('ETHUSDT.SIM', 12)],
  ['BTCUSDT.SIM-bars-1m.csv', bars('BTCUSDT.SIM', 60_000, 48, 13)],
];
for (const [name, text] of files) {
  writeFileSync(new URL(name, out), text);
  process.stderr.write(
    `samples/${name}: ${text.split('\n').length - 1} lines, ${(text.length / 1e6).toFixed(2)} MB\n`,
  );
}
