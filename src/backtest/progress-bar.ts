import { SingleBar } from 'cli-progress';
import type { BacktestProgress } from './spec.ts';

const ratePerSecond = (count: number, elapsedMs: number) =>
  elapsedMs > 0 ? Math.round((count * 1000) / elapsedMs) : 0;

function bar(format: string): SingleBar {
  return new SingleBar({
    format,
    stream: process.stderr,
    barsize: 24,
    hideCursor: true,
    // Not a terminal (CI, a pipe): a plain line every few seconds instead of redrawing one.
    noTTYOutput: true,
    notTTYSchedule: 2000,
  });
}

/**
 * The replay's progress on stderr: a bar over the simulated span (to `endTime`, the data's last time when it could
 * be read), with the events replayed, the simulated time reached and events per second.
 */
export function replayProgress(endTime: number | undefined): {
  update(progress: BacktestProgress): void;
  /** The replay is complete (its last tick may fall short of the span's end): the bar shows it full. */
  finish(): void;
  stop(): void;
} {
  const progressBar = bar('backtest [{bar}] {percentage}% | {events} events | {simulated} | {rate} events/s');
  let started = false;
  return {
    update(progress) {
      const span = endTime === undefined ? 0 : Math.max(1, endTime - progress.startTime);
      const done = endTime === undefined ? 0 : Math.min(span, progress.simulatedTime - progress.startTime);
      const payload = {
        events: progress.events,
        simulated: new Date(progress.simulatedTime).toISOString(),
        rate: ratePerSecond(progress.events, progress.elapsedMs),
      };
      if (!started) {
        started = true;
        progressBar.start(span, done, payload);
      } else progressBar.update(done, payload);
    },
    finish() {
      if (started) progressBar.update(progressBar.getTotal());
    },
    stop() {
      if (started) progressBar.stop();
    },
  };
}

/** A sweep's progress on stderr: combinations done of all. */
export function sweepProgress(total: number): { update(done: number): void; stop(): void } {
  const progressBar = bar('sweep [{bar}] {value}/{total} backtests | {duration_formatted}');
  progressBar.start(total, 0);
  return {
    update: (done) => progressBar.update(done),
    stop: () => progressBar.stop(),
  };
}
