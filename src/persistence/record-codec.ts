import { deserialize, serialize } from 'node:v8';
import { crc32 } from 'node:zlib';
import { Packr } from 'msgpackr';

/**
 * Every record the store writes is framed: a format byte, the CRC-32 of the body, then the body. A flipped byte
 * anywhere in the body fails the checksum, so corruption is reported with the record's key instead of decoding
 * into a plausible but wrong value (which msgpack alone would often do).
 */
const HEADER = 5;
const MSGPACK = 1;
const V8 = 2;

const packr = new Packr({ useRecords: false });

export class RecordDecodeError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'RecordDecodeError';
  }
}

/** lmdb-js hands out Buffers already: wrapping each again costs an object per record read. */
function asBuffer(record: Uint8Array): Buffer {
  return Buffer.isBuffer(record) ? record : Buffer.from(record.buffer, record.byteOffset, record.byteLength);
}

function frame(format: number, body: Uint8Array): Buffer {
  const record = Buffer.allocUnsafe(HEADER + body.length);
  record[0] = format;
  record.writeUInt32LE(crc32(body), 1);
  record.set(body, HEADER);
  return record;
}

/** Plain data (journal records, views): msgpack, compact and quick to decode in bulk at recovery. */
export function encodeRecord(value: unknown): Buffer {
  return frame(MSGPACK, packr.pack(value));
}

/** Anything structured clone takes (actor state with its machine snapshot): the v8 serializer. */
export function encodeCloneable(value: unknown): Buffer {
  return frame(V8, serialize(value));
}

/** The checksum a record's frame carries: two records with the same one (and length) hold the same body. */
export function checksumOf(record: Uint8Array): number {
  // Read off the bytes: a Buffer view per record read is most of what checking a million records costs.
  return (
    ((record[1] as number) | ((record[2] as number) << 8) | ((record[3] as number) << 16)) +
    (record[4] as number) * 0x1000000
  );
}

/** What is wrong with a record's frame (length, checksum), without decoding its body; undefined if nothing. */
export function checkFrame(record: Uint8Array): string | undefined {
  if (record.length < HEADER) return 'record shorter than its header';
  const body = new Uint8Array(record.buffer, record.byteOffset + HEADER, record.length - HEADER);
  if (crc32(body) !== checksumOf(record)) return 'checksum mismatch (the record was altered)';
  return undefined;
}

export function decodeRecord<T = unknown>(record: Uint8Array | undefined | null): T {
  if (!record) throw new RecordDecodeError('record shorter than its header');
  const problem = checkFrame(record);
  if (problem !== undefined) throw new RecordDecodeError(problem);
  return decodeCheckedRecord<T>(record);
}

/** The body of a record whose frame `checkFrame` has passed, decoded without computing its checksum again. */
export function decodeCheckedRecord<T = unknown>(record: Uint8Array): T {
  const buffer = asBuffer(record);
  const body = buffer.subarray(HEADER);
  try {
    if (buffer[0] === MSGPACK) return packr.unpack(body) as T;
    if (buffer[0] === V8) return deserialize(body) as T;
  } catch (error) {
    throw new RecordDecodeError(`body does not decode: ${(error as Error).message}`);
  }
  throw new RecordDecodeError(`unknown record format ${buffer[0]}`);
}

/** The body of a record written before records were framed (schema version 1), for its migration. */
export function decodeUnframed<T = unknown>(record: Uint8Array): T {
  return packr.unpack(record) as T;
}
