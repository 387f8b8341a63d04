import { Packr, Unpackr } from 'msgpackr';

/*
 * A link's larger batches travel as MessagePack with record structures rather than as structured-clone objects: a
 * batch of many envelopes has few shapes, and records write each shape's keys once per batch and read its objects
 * back through a reader compiled per shape. From about 16 envelopes that costs both threads less than structured
 * clone (at 512 less than half); below, defining the records in every batch costs more than it saves, and a
 * thread woken for a single message pays most (`npm run bench -- --only throughput`, and `tick-to-order-10k`).
 * Each batch is self-contained (its record definitions travel in it): a receiver that restarts, or a batch sent
 * again, needs nothing from earlier batches.
 *
 * What does not survive the trip as structured clone would carry it: -0 arrives as 0, a string's lone surrogate
 * as U+FFFD, and an Error without its stack.
 */

/** The fewest envelopes a batch must hold to be encoded. */
export const ENCODE_FROM = 16;

/** A batch that holds an object with an own `__proto__` key: it goes by structured clone (see useRecords). */
class OwnProtoKey extends TypeError {}

const options = {
  // msgpackr's reader renames an own `__proto__` key (its guard against prototype pollution): a batch holding one
  // goes by structured clone, which keeps it as it is.
  useRecords: (object: object) => {
    if (Object.hasOwn(object, '__proto__')) throw new OwnProtoKey('an own __proto__ key');
    return true;
  },
  // Maps, Sets, typed arrays and Errors arrive as what they were, as with structured clone.
  moreTypes: true,
  // Own properties, as structured clone sends them: not what a class's toJSON would make of itself.
  useToJSON: false,
  // Structured clone refuses a function: so does this codec, and the batch goes by structured clone, which throws.
  writeFunction: () => {
    throw new TypeError('a function cannot be sent');
  },
};

const packr = new Packr(options);
const unpackr = new Unpackr(options);

/**
 * The batch as MessagePack, in a buffer of its own (what packr returns is a view of a larger, shared one); or
 * undefined when it is too small to gain from encoding, or holds something the codec does not carry (a cycle, a
 * symbol, an own `__proto__` key), and must go by structured clone instead.
 */
export function encodeBatch(envelopes: readonly unknown[]): Uint8Array | undefined {
  if (envelopes.length < ENCODE_FROM) return undefined;
  let packed: Uint8Array;
  try {
    packed = packr.pack(envelopes);
  } catch {
    return undefined;
  }
  return new Uint8Array(packed);
}

/** The envelopes of an encoded batch; throws when the bytes are not a batch this codec wrote. */
export function decodeBatch(bytes: Uint8Array): unknown[] {
  const decoded: unknown = unpackr.unpack(bytes);
  if (!Array.isArray(decoded)) throw new TypeError('an encoded batch is not an array');
  return decoded;
}
