import { deserialize, serialize } from 'node:v8';

/**
 * A machine snapshot as a worker sends it to the snapshot store: bytes, not objects. The supervising thread keeps
 * every actor's latest state but reads it back only to restart that actor, so decoding the whole context on every
 * commit there (what posting it as objects costs) was wasted work, and on a busy node it was the main thread's
 * whole load. The bytes are the structured-clone format, so anything postMessage could carry encodes.
 */
export interface EncodedMachine {
  encoding: 'v8';
  bytes: Uint8Array;
}

export function encodeMachine(machine: unknown): EncodedMachine {
  return { encoding: 'v8', bytes: serialize(machine) };
}

function isEncoded(machine: unknown): machine is EncodedMachine {
  return (
    typeof machine === 'object' &&
    machine !== null &&
    (machine as Partial<EncodedMachine>).encoding === 'v8' &&
    (machine as Partial<EncodedMachine>).bytes instanceof Uint8Array
  );
}

/** The snapshot itself, whether it was stored encoded (from a worker) or as objects (inline, or a host's store). */
export function decodeMachine<T>(machine: T | EncodedMachine): T {
  return isEncoded(machine) ? (deserialize(machine.bytes) as T) : machine;
}
