import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Decimal } from '../../src/domain/decimal.ts';
import { type Instrument, type InstrumentSpec, instrumentOf } from '../../src/domain/instrument.ts';
import type { QuoteTick, TradeTick } from '../../src/domain/market-data.ts';
import { type Bar, barTrades, checkBar } from './bar-ticks.ts';

/*
 * Market data files (quotes, trades and bars, CSV or JSONL; docs/market-data-format.md): a pure parser of one line,
 * and a streaming reader that hands out parsed ticks in chunks. The simulated venue replays with them; a backtest
 * reads the same files the same way. A bar becomes the four trades it is known to contain (bar-ticks.ts), so
 * everything downstream of the reader sees ticks only.
 */

export type MarketDataFormat = 'csv' | 'jsonl';

/** A market data tick as the venue replays it, and as a backtest does. */
export type MarketDataTick = { kind: 'quote'; tick: QuoteTick } | { kind: 'trade'; tick: TradeTick };

/**
 * A parsed line: its ticks (one, or a bar's four), or what is wrong with the line (naming its number and field).
 * Blank lines and comments are neither.
 */
export type ParsedLine = { ticks: MarketDataTick[] } | { error: string } | undefined;

type LineKind = 'quote' | 'trade' | 'bar';

/** A CSV file's header: where each column is, and the kind of every row when the file has no `type` column. */
export interface CsvHeader {
  index: Record<string, number>;
  kind: LineKind | undefined;
}

const QUOTE_FIELDS = ['bid', 'ask', 'bidSize', 'askSize'] as const;
const TRADE_FIELDS = ['price', 'size'] as const;
const BAR_FIELDS = ['open', 'high', 'low', 'close', 'volume', 'durationMs'] as const;
const KNOWN_COLUMNS = new Set([
  'type',
  'instrumentId',
  'ts',
  ...QUOTE_FIELDS,
  ...TRADE_FIELDS,
  'side',
  'tradeId',
  ...BAR_FIELDS,
]);
const DECIMAL_TEXT = /^(0|[1-9]\d*)(\.\d+)?$/;
const TIMESTAMP = /^\d+(\.\d+)?$/;

export function formatOf(file: string, format?: MarketDataFormat): MarketDataFormat {
  return format ?? (file.toLowerCase().endsWith('.jsonl') ? 'jsonl' : 'csv');
}

/** Reads a CSV header line, or says why it is not one. */
export function parseCsvHeader(text: string): CsvHeader | string {
  const columns = text.split(',').map((column) => column.trim());
  const index: Record<string, number> = {};
  for (const [at, column] of columns.entries()) {
    if (!KNOWN_COLUMNS.has(column)) return `header: unknown column '${column}'`;
    if (index[column] !== undefined) return `header: column '${column}' appears twice`;
    index[column] = at;
  }
  for (const required of ['instrumentId', 'ts']) {
    if (index[required] === undefined) return `header: no '${required}' column`;
  }
  if (index.type !== undefined) return { index, kind: undefined };
  const kinds = (
    [
      ['quote', QUOTE_FIELDS],
      ['trade', TRADE_FIELDS],
      ['bar', BAR_FIELDS],
    ] as const
  ).filter(([, fields]) => fields.every((field) => index[field] !== undefined));
  if (kinds.length === 1) return { index, kind: (kinds[0] as (typeof kinds)[number])[0] };
  return (
    `header: without a 'type' column, a file has the columns of one kind only: ${QUOTE_FIELDS.join(', ')} ` +
    `(quotes), ${TRADE_FIELDS.join(', ')} (trades) or ${BAR_FIELDS.join(', ')} (bars)`
  );
}

type Fields = Record<string, unknown>;

function decimal(fields: Fields, name: string): string {
  const value = fields[name];
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || text === '') throw new Error(`${name}: missing`);
  if (!DECIMAL_TEXT.test(text)) throw new Error(`${name}: ${JSON.stringify(text)} is not a decimal number`);
  return text;
}

function positive(fields: Fields, name: string): string {
  const text = decimal(fields, name);
  if (Decimal.parse(text).sign <= 0) throw new Error(`${name}: ${text} must be positive`);
  return text;
}

function durationMs(fields: Fields): number {
  const value = fields.durationMs;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^[1-9]\d*$/.test(text)) {
    throw new Error(`durationMs: ${JSON.stringify(value ?? null)} is not a whole number of ms above 0`);
  }
  return Number(text);
}

function timestamp(fields: Fields): number {
  const value = fields.ts;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !TIMESTAMP.test(text)) {
    throw new Error(`ts: ${JSON.stringify(value)} is not a time in epoch ms`);
  }
  return Number(text);
}

function barOf(fields: Fields, instrumentId: string, ts: number): Bar {
  const bar: Bar = {
    instrumentId,
    ts,
    durationMs: durationMs(fields),
    open: positive(fields, 'open'),
    high: positive(fields, 'high'),
    low: positive(fields, 'low'),
    close: positive(fields, 'close'),
    volume: decimal(fields, 'volume'),
  };
  const wrong = checkBar(bar);
  if (wrong !== undefined) throw new Error(wrong);
  return bar;
}

function ticksOf(
  fields: Fields,
  defaultKind: LineKind | undefined,
  instruments: ReadonlyMap<string, Instrument> | undefined,
): MarketDataTick[] {
  const instrumentId = fields.instrumentId;
  if (typeof instrumentId !== 'string' || instrumentId.length < 3) {
    throw new Error(`instrumentId: ${JSON.stringify(instrumentId)} is not an instrument id`);
  }
  const ts = timestamp(fields);
  const kind = fields.type === undefined || fields.type === '' ? defaultKind : fields.type;
  if (kind === 'bar') {
    const bar = barOf(fields, instrumentId, ts);
    return barTrades(bar, instruments?.get(instrumentId)?.sizePrecision).map((tick) => ({
      kind: 'trade',
      tick,
    }));
  }
  return [tickOf(fields, instrumentId, ts, kind)];
}

function tickOf(fields: Fields, instrumentId: string, ts: number, kind: unknown): MarketDataTick {
  if (kind === 'quote') {
    const [bid, ask, bidSize, askSize] = QUOTE_FIELDS.map((name) => positive(fields, name)) as [
      string,
      string,
      string,
      string,
    ];
    if (!Decimal.parse(bid).lt(Decimal.parse(ask)))
      throw new Error(`bid: ${bid} is not below the ask ${ask}`);
    return { kind: 'quote', tick: { instrumentId, bid, ask, bidSize, askSize, ts } };
  }
  if (kind === 'trade') {
    const side = fields.side;
    if (side !== undefined && side !== '' && side !== 'BUY' && side !== 'SELL') {
      throw new Error(`side: ${JSON.stringify(side)} is not BUY or SELL`);
    }
    const tradeId = fields.tradeId;
    if (tradeId !== undefined && typeof tradeId !== 'string') throw new Error('tradeId: not a string');
    return {
      kind: 'trade',
      tick: {
        instrumentId,
        price: positive(fields, 'price'),
        size: positive(fields, 'size'),
        ...(side === 'BUY' || side === 'SELL' ? { aggressor: side } : {}),
        ...(tradeId === undefined || tradeId === '' ? {} : { tradeId }),
        ts,
      },
    };
  }
  throw new Error(`type: ${JSON.stringify(kind ?? null)} is not quote, trade or bar`);
}

function csvFields(text: string, header: CsvHeader): Fields {
  const cells = text.split(',');
  if (cells.length !== Object.keys(header.index).length) {
    throw new Error(`${cells.length} fields where the header has ${Object.keys(header.index).length}`);
  }
  const fields: Fields = {};
  for (const [column, at] of Object.entries(header.index)) {
    const cell = (cells[at] as string).trim();
    if (cell !== '') fields[column] = cell;
  }
  return fields;
}

function jsonFields(text: string): Fields {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('not a JSON object');
  return value as Fields;
}

/**
 * Parses one line of a market data file. `header` is the CSV file's header (unused for JSONL). Blank lines and
 * lines starting with `#` are not data: undefined. `instruments`, when given, set the size precision of a bar's
 * trades.
 */
export function parseMarketDataLine(
  text: string,
  line: number,
  format: MarketDataFormat,
  header?: CsvHeader,
  instruments?: ReadonlyMap<string, Instrument>,
): ParsedLine {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return undefined;
  try {
    if (format === 'jsonl') {
      const fields = jsonFields(trimmed);
      const kind =
        fields.type ??
        (fields.bid !== undefined
          ? 'quote'
          : fields.price !== undefined
            ? 'trade'
            : fields.open !== undefined
              ? 'bar'
              : undefined);
      return { ticks: ticksOf({ ...fields, type: kind }, undefined, instruments) };
    }
    if (header === undefined) return { error: `line ${line}: no CSV header before it` };
    return { ticks: ticksOf(csvFields(trimmed, header), header.kind, instruments) };
  } catch (error) {
    return { error: `line ${line}: ${(error as Error).message}` };
  }
}

/** Why a well-formed tick does not fit the instruments replayed, if it does not. */
export function checkTick(
  item: MarketDataTick,
  instruments: ReadonlyMap<string, Instrument>,
): string | undefined {
  const instrument = instruments.get(item.tick.instrumentId);
  if (instrument === undefined)
    return `instrumentId: ${item.tick.instrumentId} is not an instrument replayed`;
  const prices: Array<[string, string]> =
    item.kind === 'quote'
      ? [
          ['bid', item.tick.bid],
          ['ask', item.tick.ask],
        ]
      : [['price', item.tick.price]];
  for (const [field, text] of prices) {
    const checked = instrument.checkPrice(text, field);
    if (typeof checked === 'string') return checked;
  }
  const sizes: Array<[string, string]> =
    item.kind === 'quote'
      ? [
          ['bidSize', item.tick.bidSize],
          ['askSize', item.tick.askSize],
        ]
      : [['size', item.tick.size]];
  for (const [field, text] of sizes) {
    if (Decimal.parse(text).exceedsScale(instrument.sizePrecision)) {
      return `${field} ${text} has more than ${instrument.sizePrecision} decimal places`;
    }
  }
  return undefined;
}

function misfitOf(ticks: MarketDataTick[], instruments: ReadonlyMap<string, Instrument>): string | undefined {
  for (const tick of ticks) {
    const misfit = checkTick(tick, instruments);
    if (misfit) return misfit;
  }
  return undefined;
}

export interface MarketDataChunk {
  ticks: MarketDataTick[];
  /** The line number of each tick (a bar's four ticks share their line's). */
  lines: number[];
  /** Lines that are not good ticks: skipped. */
  problems: Array<{ line: number; message: string }>;
  /** The last line read so far. */
  lastLine: number;
}

export interface ReadOptions {
  format?: MarketDataFormat;
  /** Lines up to this one are passed over unread (a resumed replay); a CSV header is read wherever it is. */
  afterLine?: number;
  /** Ticks and problems per chunk. Default 512. */
  chunkSize?: number;
  /** When given, ticks for other instruments, or off their tick or precision, are problems. */
  instruments?: InstrumentSpec[];
}

/**
 * Streams a market data file in chunks, reading on only as the consumer asks for the next chunk (the file is
 * never held whole). A CSV header that cannot be read ends the stream with an error; a bad line is a problem
 * in its chunk and reading goes on.
 */
export async function* readMarketData(
  file: string,
  options: ReadOptions = {},
): AsyncGenerator<MarketDataChunk> {
  const format = formatOf(file, options.format);
  const chunkSize = options.chunkSize ?? 512;
  const afterLine = options.afterLine ?? 0;
  const instruments =
    options.instruments === undefined
      ? undefined
      : new Map(options.instruments.map((spec) => [spec.id, instrumentOf(spec)]));
  const lines = createInterface({
    input: createReadStream(file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let header: CsvHeader | undefined;
  let chunk: MarketDataChunk = { ticks: [], lines: [], problems: [], lastLine: afterLine };
  let number = 0;
  let yielded = afterLine;
  try {
    for await (const text of lines) {
      number += 1;
      if (format === 'csv' && header === undefined) {
        const trimmed = text.trim();
        if (trimmed === '' || trimmed.startsWith('#')) continue;
        const parsed = parseCsvHeader(trimmed);
        if (typeof parsed === 'string') throw new Error(`${file}:${number}: ${parsed}`);
        header = parsed;
        continue;
      }
      if (number <= afterLine) continue;
      chunk.lastLine = number;
      const parsed = parseMarketDataLine(text, number, format, header, instruments);
      if (parsed === undefined) continue;
      if ('error' in parsed) chunk.problems.push({ line: number, message: parsed.error });
      else {
        const misfit = instruments && misfitOf(parsed.ticks, instruments);
        if (misfit) chunk.problems.push({ line: number, message: `line ${number}: ${misfit}` });
        else {
          for (const tick of parsed.ticks) {
            chunk.ticks.push(tick);
            chunk.lines.push(number);
          }
        }
      }
      if (chunk.ticks.length + chunk.problems.length >= chunkSize) {
        yield chunk;
        yielded = number;
        chunk = { ticks: [], lines: [], problems: [], lastLine: number };
      }
    }
  } finally {
    lines.close();
  }
  if (chunk.lastLine > yielded) yield chunk;
}
