/**
 * Each link's progress (the next outgoing sequence number, the highest incoming one taken), written by a worker
 * at every commit into memory shared with the supervisors' thread. Posting it as a message at every commit would
 * cost a post per request in request/reply traffic; the supervisor's side reads it only when the worker is gone,
 * to complete the state the worker last saved.
 */
export class ProgressBoard {
  static readonly SLOTS = 1024;
  private readonly values: Float64Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(ProgressBoard.SLOTS * 2 * 8)) {
    this.values = new Float64Array(buffer);
  }

  /** Whether link `index` has a slot; a worker with more links reports their progress by message instead. */
  fits(index: number): boolean {
    return index > 0 && index < ProgressBoard.SLOTS;
  }

  write(index: number, nextSeq: number, received: number): void {
    this.values[index * 2] = nextSeq;
    this.values[index * 2 + 1] = received;
  }

  read(index: number): { nextSeq: number; received: number } | undefined {
    const nextSeq = this.values[index * 2] ?? 0;
    if (nextSeq === 0) return undefined;
    return { nextSeq, received: this.values[index * 2 + 1] ?? 0 };
  }
}
