import { existsSync } from 'node:fs';
import {
  type MarketDataChunk,
  type MarketDataTick,
  readMarketData,
} from '../../actors/venue-sim/replay-file.ts';
import type { InstrumentSpec } from '../domain/instrument.ts';
import { ValidationError } from '../resilience/errors.ts';

/** A tick of a backtest's input, with where it came from (for errors and progress). */
export interface SourcedTick {
  item: MarketDataTick;
  file: string;
  line: number;
}

export interface MergeOptions {
  instruments: InstrumentSpec[];
  /** Ticks before this time (ms since the epoch) are passed over. */
  from?: number;
  /** Ticks after this time end the replay. */
  to?: number;
  /** Skip malformed lines and count them (`skipped`), instead of stopping at the first one. */
  skipBadLines?: boolean;
}

/** One file being read: its chunks, and the next tick it has to give. */
interface Cursor {
  file: string;
  chunks: AsyncGenerator<MarketDataChunk>;
  chunk: MarketDataChunk | undefined;
  at: number;
  lastTs: number;
}

/**
 * Market data from several files (CSV or JSONL, docs/market-data-format.md), merged in time order: the tick with the
 * earliest `ts` across the files comes next, ties going to the file named first. Each file must be in time order
 * itself. A malformed line, a tick off its instrument's precision, or a tick earlier than the one before it in its
 * file stops the merge with the file and line named, unless `skipBadLines`, which counts it instead.
 */
export class MarketDataMerge {
  /** Malformed or out-of-order lines passed over (with `skipBadLines`), by file. */
  readonly skipped = new Map<string, number>();
  private readonly cursors: Cursor[];

  constructor(
    files: readonly string[],
    private readonly options: MergeOptions,
  ) {
    if (files.length === 0) throw new ValidationError('no market data file given (--data FILE...)');
    for (const file of files) {
      if (!existsSync(file)) throw new ValidationError(`market data file ${file} does not exist`);
    }
    this.cursors = files.map((file) => ({
      file,
      chunks: readMarketData(file, { instruments: options.instruments }),
      chunk: undefined,
      at: 0,
      lastTs: Number.NEGATIVE_INFINITY,
    }));
  }

  private bad(cursor: Cursor, line: number, message: string): void {
    const where = `${cursor.file}:${line}`;
    if (!this.options.skipBadLines) {
      throw new ValidationError(
        `${where}: ${message.replace(/^line \d+: /, '')} (--skip-bad-lines passes over such lines)`,
      );
    }
    this.skipped.set(cursor.file, (this.skipped.get(cursor.file) ?? 0) + 1);
  }

  /** The cursor's next good tick in range, reading on as needed; undefined once the file is done. */
  private async peek(cursor: Cursor): Promise<SourcedTick | undefined> {
    for (;;) {
      const chunk = cursor.chunk;
      if (chunk !== undefined && cursor.at < chunk.ticks.length) {
        const item = chunk.ticks[cursor.at] as MarketDataTick;
        const line = chunk.lines[cursor.at] as number;
        if (item.tick.ts < cursor.lastTs) {
          cursor.at += 1;
          this.bad(cursor, line, `ts ${item.tick.ts} is earlier than the line before it (${cursor.lastTs})`);
          continue;
        }
        if (this.options.from !== undefined && item.tick.ts < this.options.from) {
          cursor.at += 1;
          cursor.lastTs = item.tick.ts;
          continue;
        }
        if (this.options.to !== undefined && item.tick.ts > this.options.to) return undefined;
        return { item, file: cursor.file, line };
      }
      let next: IteratorResult<MarketDataChunk>;
      try {
        next = await cursor.chunks.next();
      } catch (error) {
        throw new ValidationError(`${cursor.file}: ${(error as Error).message}`);
      }
      if (next.done) return undefined;
      cursor.chunk = next.value;
      cursor.at = 0;
      for (const problem of next.value.problems) this.bad(cursor, problem.line, problem.message);
    }
  }

  async *ticks(): AsyncGenerator<SourcedTick> {
    const heads = await Promise.all(this.cursors.map((cursor) => this.peek(cursor)));
    for (;;) {
      let pick = -1;
      for (let i = 0; i < heads.length; i += 1) {
        const head = heads[i];
        if (
          head !== undefined &&
          (pick === -1 || head.item.tick.ts < (heads[pick] as SourcedTick).item.tick.ts)
        ) {
          pick = i;
        }
      }
      if (pick === -1) return;
      const cursor = this.cursors[pick] as Cursor;
      const head = heads[pick] as SourcedTick;
      cursor.at += 1;
      cursor.lastTs = head.item.tick.ts;
      yield head;
      heads[pick] = await this.peek(cursor);
    }
  }
}
