/** One side's half of a shared acknowledgement board, as handed to an endpoint with its link's port. */
export interface AckBoardSide {
  buffer: SharedArrayBuffer;
  side: 0 | 1;
}

const SLOTS = 4;
/** Watermarks are kept modulo this; the slot's sign bit says one was published (a new board holds zeros). */
const MODULUS = 2 ** 31;
const PUBLISHED = -(2 ** 31);

/**
 * A link's acknowledgements in shared memory. Each side publishes how far it has committed what the other sent it,
 * and the sender reads that whenever it numbers or posts: it learns of its acknowledgements without a post, and no
 * thread is woken to take one. Posted, they answered every envelope post of a hop with one the other way, which woke
 * the sender (tick to order at 10,000 ticks/s: p50 190 against 210 us, p99 1,679 against 2,089 us).
 *
 * A sender that waits for room (a full window, held sends, a caller waiting to write) raises its flag; a peer that
 * sees the flag at its commit posts its acknowledgement as well, which wakes the sender. Both sides write before they
 * read (sequentially consistent atomics), so at least one of them sees the other's write: either the sender sees the
 * new watermark when it raises the flag, or the peer sees the flag when it publishes.
 *
 * Watermarks are kept modulo 2^31; the sender recovers the whole number from what it knows was outstanding.
 */
export class AckBoard {
  static readonly BYTES = SLOTS * Int32Array.BYTES_PER_ELEMENT;

  /** A new board's two sides, one for each end of a new link. */
  static pair(): [AckBoardSide, AckBoardSide] {
    const buffer = new SharedArrayBuffer(AckBoard.BYTES);
    return [
      { buffer, side: 0 },
      { buffer, side: 1 },
    ];
  }

  private readonly slots: Int32Array;
  private readonly mine: number;
  private readonly theirs: number;

  constructor({ buffer, side }: AckBoardSide) {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength !== AckBoard.BYTES) {
      throw new TypeError(`an acknowledgement board is a SharedArrayBuffer of ${AckBoard.BYTES} bytes`);
    }
    if (side !== 0 && side !== 1)
      throw new TypeError(`an acknowledgement board's side is 0 or 1, not ${side}`);
    this.slots = new Int32Array(buffer);
    this.mine = side * 2;
    this.theirs = (1 - side) * 2;
  }

  /** This side has committed what the peer sent up to `watermark`. */
  publish(watermark: number): void {
    Atomics.store(this.slots, this.mine, (watermark % MODULUS) | PUBLISHED);
  }

  /**
   * How far the peer has committed what this side sent, given that it had acknowledged `ackedUpTo` and that
   * `outstanding` more are numbered. A value from before (an earlier peer, or none yet) reads as no progress.
   */
  peerCommitted(ackedUpTo: number, outstanding: number): number {
    const published = Atomics.load(this.slots, this.theirs);
    if (published >= 0) return ackedUpTo;
    const advance = ((published & (MODULUS - 1)) - (ackedUpTo % MODULUS) + MODULUS) % MODULUS;
    return advance <= outstanding ? ackedUpTo + advance : ackedUpTo;
  }

  /** Whether this side waits for the peer to post its acknowledgements. */
  get waiting(): boolean {
    return Atomics.load(this.slots, this.mine + 1) === 1;
  }

  set waiting(value: boolean) {
    Atomics.store(this.slots, this.mine + 1, value ? 1 : 0);
  }

  /** Whether the peer waits for this side to post its acknowledgements. */
  get peerWaiting(): boolean {
    return Atomics.load(this.slots, this.theirs + 1) === 1;
  }
}
