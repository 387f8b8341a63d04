import { fromCallback } from 'xstate';
import type { InstrumentSpec } from '../../src/domain/instrument.ts';
import type { ActorIO } from '../../src/index.ts';
import type { ReaderCommand, ReaderEvent } from './machine.ts';
import type { MarketDataTick } from './replay-file.ts';
import { type MarketDataChunk, readMarketData } from './replay-file.ts';
import type { ReplaySettings } from './venue-state.ts';

export interface ReplayReaderInput extends ReplaySettings {
  instruments: InstrumentSpec[];
}

/** Ticks read but not yet handed over (real-time replay hands a chunk over as its ticks come due). */
interface Held {
  ticks: MarketDataTick[];
  lines: number[];
  lastLine: number;
  skipped: number;
}

/**
 * The replay file's reader, as the actor the venue's machine invokes: it reads the file only when the machine
 * pulls (one chunk per pull, so the machine is never flooded), logs every malformed line with its file and line
 * number, and, at a speed above 0, holds ticks back until their time (scaled) has come. Each pull says where to
 * read on from, so a venue restored from a snapshot resumes after the last line it took in.
 */
export function replayReader(io: ActorIO) {
  return fromCallback<ReaderCommand, ReplayReaderInput>(({ input, sendBack, receive }) => {
    const speed = input.speed ?? 0;
    let source: AsyncGenerator<MarketDataChunk> | undefined;
    let held: Held | undefined;
    let clock: { wall: number; ts: number } | undefined;
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const send = (event: ReaderEvent) => {
      if (!stopped) sendBack(event);
    };

    const fill = async (from: number): Promise<Held | undefined> => {
      source ??= readMarketData(input.file, {
        ...(input.format === undefined ? {} : { format: input.format }),
        afterLine: from,
        instruments: input.instruments,
      });
      const next = await source.next();
      if (next.done) return undefined;
      for (const problem of next.value.problems) {
        io.log.warn(
          { file: input.file, line: problem.line },
          `skipped a market data line: ${problem.message}`,
        );
      }
      return { ...next.value, skipped: next.value.problems.length };
    };

    const dueAt = (tick: MarketDataTick, now: number): number => {
      clock ??= { wall: now, ts: tick.tick.ts };
      return clock.wall + (tick.tick.ts - clock.ts) / speed;
    };

    /** The ticks of `batch` due by now, handed over; the rest kept for the next pull. */
    const handOver = (batch: Held) => {
      const now = io.now();
      let count = batch.ticks.length;
      if (speed > 0) {
        count = 0;
        while (count < batch.ticks.length && dueAt(batch.ticks[count] as MarketDataTick, now) <= now)
          count += 1;
      }
      if (count === 0 && batch.skipped === 0 && batch.ticks.length > 0) {
        const wait = dueAt(batch.ticks[0] as MarketDataTick, now) - now;
        timer = setTimeout(() => handOver(batch), wait);
        return;
      }
      const whole = count === batch.ticks.length;
      held = whole
        ? undefined
        : { ...batch, ticks: batch.ticks.slice(count), lines: batch.lines.slice(count), skipped: 0 };
      const chunk = {
        ticks: whole ? batch.ticks : batch.ticks.slice(0, count),
        lastLine: whole ? batch.lastLine : (batch.lines[count] as number) - 1,
        skipped: batch.skipped,
        done: false,
      };
      send({ type: 'replay.chunk', chunk, at: now });
    };

    const pull = async (from: number) => {
      try {
        const batch = held ?? (await fill(from));
        if (stopped) return;
        if (batch === undefined) {
          send({
            type: 'replay.chunk',
            chunk: { ticks: [], lastLine: from, skipped: 0, done: true },
            at: io.now(),
          });
          return;
        }
        handOver(batch);
      } catch (error) {
        send({ type: 'replay.failed', error: (error as Error).message });
      }
    };

    receive((command) => {
      void pull(command.from);
    });
    queueMicrotask(() => send({ type: 'replay.opened' }));
    return () => {
      stopped = true;
      clearTimeout(timer);
      void source?.return(undefined);
    };
  });
}
