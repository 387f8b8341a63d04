import type { SnapshotInterval } from '../actor-start.ts';

/**
 * A snapshot is due only once the actor has worked at least this many times as long as its last snapshot took to
 * make and encode (the wall time since then). A snapshot walks and encodes the whole context, so its cost grows
 * with the state: an execution holding 60,000 open orders spent most of its time snapshotting every 1,000
 * messages. With this bound snapshots take at most about a tenth of a busy actor's time, and the messages replayed
 * on recovery stay within about ten snapshots' worth of work.
 */
export const WORK_PER_SNAPSHOT_COST = 10;

/** When a replayable actor's commit also writes its machine snapshot (see ActorStart.snapshotEvery). */
export class SnapshotSchedule {
  private messagesSince = 0;
  private endedAt: number;
  private lastCostMs = 0;

  constructor(
    private readonly every: SnapshotInterval,
    now: number,
  ) {
    this.endedAt = now;
  }

  /**
   * Counts a commit that changed the machine through `messages` messages. Due at once when `forced` (the first
   * commit) or when no message made the change (a timer's, which replay cannot redo); otherwise after
   * `every.messages` messages or `every.ms`, whichever comes first, and not before the cost bound allows.
   */
  due(messages: number, now: number, forced = false): boolean {
    this.messagesSince += messages;
    if (forced || messages === 0) return true;
    const elapsed = now - this.endedAt;
    return (
      (this.messagesSince >= this.every.messages || elapsed >= this.every.ms) &&
      elapsed >= WORK_PER_SNAPSHOT_COST * this.lastCostMs
    );
  }

  /** A snapshot was written, from `startedAt` to `endedAt` (the same clock as `due`'s `now`). */
  saved(startedAt: number, endedAt: number): void {
    this.messagesSince = 0;
    this.endedAt = endedAt;
    this.lastCostMs = endedAt - startedAt;
  }
}
