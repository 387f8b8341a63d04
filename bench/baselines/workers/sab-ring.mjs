// A single-producer single-consumer ring of fixed-size slots in a SharedArrayBuffer, carrying envelopes between two
// threads with no postMessage. Each side publishes its index with Atomics.store after every slot and keeps a copy of
// the other side's, read again only when the ring looks full (producer) or empty (consumer). A side that finds the
// ring full or empty spins briefly (SPINS reads of the other's index), then raises its parked flag, looks once more,
// and parks in Atomics.wait on the flag; the other side, seeing the flag up after publishing, takes it down and calls
// Atomics.notify, so there is one notify per park. It waits on the flag, not on the index: a take-down that comes
// late (for a publish the parked side has already seen) then cuts its next park short instead of being lost.
//
// A slot (64 bytes) carries the whole envelope: timestamp (float64), payload.n (int32), from, to and type as
// one-byte codes of a table both sides know (as a transport would intern actor ids and message types), and the id
// as ASCII bytes after its length. The correlation id is not carried: the ring takes only envelopes whose correlation
// id is their id (every envelope of these benchmarks; createEnvelope's default). The receiver rebuilds the envelope
// object from the slot before it hands it on.

const CONTROL_BYTES = 256;
const HEAD = 0; // written by the producer, in Int32 units; each index on its own cache line
const TAIL = 16; // written by the consumer
const CONSUMER_PARKED = 32;
const PRODUCER_PARKED = 48;
const SLOT_BYTES = 64;
const ID_OFFSET = 16;
const ID_MAX = SLOT_BYTES - ID_OFFSET;
const SPINS = 200;

/** The names a slot's one-byte codes stand for. */
const NAMES = ['producer', 'consumer', 'item'];
const CODES = new Map(NAMES.map((name, code) => [name, code]));

function code(name) {
  const found = CODES.get(name);
  if (found === undefined) throw new Error(`the ring has no code for '${name}'`);
  return found;
}

/** The buffer of a ring of `slots` slots (a power of two). */
export function createRing(slots) {
  if (!Number.isInteger(Math.log2(slots))) throw new Error(`ring slots must be a power of two, not ${slots}`);
  return new SharedArrayBuffer(CONTROL_BYTES + slots * SLOT_BYTES);
}

function views(buffer) {
  const slots = (buffer.byteLength - CONTROL_BYTES) / SLOT_BYTES;
  return {
    control: new Int32Array(buffer, 0, CONTROL_BYTES / 4),
    f64: new Float64Array(buffer, CONTROL_BYTES),
    i32: new Int32Array(buffer, CONTROL_BYTES),
    u8: new Uint8Array(buffer, CONTROL_BYTES),
    slots,
    mask: slots - 1,
  };
}

/** The producer's end: `write(envelope)` copies it into the next slot, waiting while the ring is full. */
export function ringWriter(buffer) {
  const { control, f64, i32, u8, slots, mask } = views(buffer);
  let head = Atomics.load(control, HEAD);
  let tail = Atomics.load(control, TAIL);
  function waitForRoom() {
    for (let spin = 0; ; spin += 1) {
      tail = Atomics.load(control, TAIL);
      if (((head - tail) | 0) < slots) return;
      if (spin < SPINS) continue;
      Atomics.store(control, PRODUCER_PARKED, 1);
      tail = Atomics.load(control, TAIL);
      if (((head - tail) | 0) === slots) Atomics.wait(control, PRODUCER_PARKED, 1, 1000);
      Atomics.store(control, PRODUCER_PARKED, 0);
    }
  }
  return function write(envelope) {
    if (((head - tail) | 0) === slots) waitForRoom();
    const base = (head & mask) * SLOT_BYTES;
    f64[base >> 3] = envelope.timestamp;
    i32[(base >> 2) + 2] = envelope.payload.n;
    u8[base + 12] = code(envelope.from);
    u8[base + 13] = code(envelope.to);
    u8[base + 14] = code(envelope.type);
    const id = envelope.id;
    if (id.length > ID_MAX || envelope.correlationId !== id) {
      throw new Error(
        `envelope ${id}: the ring carries ids of up to ${ID_MAX} bytes, used as correlation ids`,
      );
    }
    u8[base + 15] = id.length;
    for (let i = 0; i < id.length; i += 1) u8[base + ID_OFFSET + i] = id.charCodeAt(i);
    head = (head + 1) | 0;
    Atomics.store(control, HEAD, head);
    if (Atomics.load(control, CONSUMER_PARKED) === 1 && Atomics.exchange(control, CONSUMER_PARKED, 0) === 1) {
      Atomics.notify(control, CONSUMER_PARKED);
    }
  };
}

/**
 * The consumer's end: `take(count, handle)` rebuilds each of the next `count` envelopes as an object (the same
 * fields as the sender's) and hands it to `handle`, waiting while the ring is empty.
 */
export function ringReader(buffer) {
  const { control, f64, i32, u8, mask } = views(buffer);
  let head = Atomics.load(control, HEAD);
  let tail = Atomics.load(control, TAIL);
  function waitForData() {
    for (let spin = 0; ; spin += 1) {
      head = Atomics.load(control, HEAD);
      if (head !== tail) return;
      if (spin < SPINS) continue;
      Atomics.store(control, CONSUMER_PARKED, 1);
      head = Atomics.load(control, HEAD);
      if (head === tail) Atomics.wait(control, CONSUMER_PARKED, 1, 1000);
      Atomics.store(control, CONSUMER_PARKED, 0);
    }
  }
  return function take(count, handle) {
    for (let taken = 0; taken < count; taken += 1) {
      if (head === tail) waitForData();
      const base = (tail & mask) * SLOT_BYTES;
      let id = '';
      for (let i = 0, length = u8[base + 15]; i < length; i += 1) {
        id += String.fromCharCode(u8[base + ID_OFFSET + i]);
      }
      handle({
        id,
        from: NAMES[u8[base + 12]],
        to: NAMES[u8[base + 13]],
        type: NAMES[u8[base + 14]],
        payload: { n: i32[(base >> 2) + 2] },
        timestamp: f64[base >> 3],
        correlationId: id,
      });
      tail = (tail + 1) | 0;
      Atomics.store(control, TAIL, tail);
      if (
        Atomics.load(control, PRODUCER_PARKED) === 1 &&
        Atomics.exchange(control, PRODUCER_PARKED, 0) === 1
      ) {
        Atomics.notify(control, PRODUCER_PARKED);
      }
    }
  };
}
