/*
 * The sequence number and type at the start of a journal record's body, read from its bytes without decoding the
 * rest. A start's integrity check reads every record of the journal but needs the whole of only a few (fills);
 * decoding all of them was most of its time. appendJournal writes `{ seq, type, ... }` in that order, as msgpack:
 * a map header, the key "seq" and an unsigned integer, the key "type" and a string. A record laid out any other way gives
 * undefined, and the caller decodes it in full.
 */

const HEADER = 5;
const SEQ_KEY = [0xa3, 0x73, 0x65, 0x71];
const TYPE_KEY = [0xa4, 0x74, 0x79, 0x70, 0x65];

function startsWith(bytes: Uint8Array, at: number, expected: readonly number[]): boolean {
  for (let i = 0; i < expected.length; i += 1) if (bytes[at + i] !== expected[i]) return false;
  return true;
}

/** An unsigned msgpack integer at `at`: its value and where the next item starts. */
function unsignedAt(bytes: Uint8Array, at: number): [number, number] | undefined {
  const tag = bytes[at];
  if (tag === undefined || at + 9 > bytes.length) return undefined;
  if (tag <= 0x7f) return [tag, at + 1];
  const view = new DataView(bytes.buffer, bytes.byteOffset + at + 1);
  if (tag === 0xcc) return [view.getUint8(0), at + 2];
  if (tag === 0xcd) return [view.getUint16(0), at + 3];
  if (tag === 0xce) return [view.getUint32(0), at + 5];
  if (tag === 0xcb) return [view.getFloat64(0), at + 9];
  return undefined;
}

/** An ASCII msgpack string at `at` (fixstr or str8); undefined for anything else. */
function stringAt(bytes: Uint8Array, at: number): string | undefined {
  const tag = bytes[at];
  if (tag === undefined) return undefined;
  let start = at + 1;
  let length: number;
  if (tag >= 0xa0 && tag <= 0xbf) length = tag & 0x1f;
  else if (tag === 0xd9 && at + 1 < bytes.length) {
    length = bytes[at + 1] as number;
    start = at + 2;
  } else return undefined;
  if (start + length > bytes.length) return undefined;
  // Types are short ASCII names: a buffer per record to decode them would cost more than the loop.
  let text = '';
  for (let i = start; i < start + length; i += 1) {
    const code = bytes[i] as number;
    if (code >= 0x80) return undefined;
    text += String.fromCharCode(code);
  }
  return text;
}

/** The seq and type of a framed journal record (its frame already checked), or undefined if laid out otherwise. */
export function readJournalHead(record: Uint8Array): { seq: number; type: string } | undefined {
  const map = record[HEADER];
  // msgpackr writes a map16 header (0xde and a 2-byte size) unless told to size maps variably; a fixmap is 1 byte.
  const keysAt =
    map === 0xde ? HEADER + 3 : map !== undefined && map >= 0x82 && map <= 0x8f ? HEADER + 1 : -1;
  if (keysAt === -1 || !startsWith(record, keysAt, SEQ_KEY)) return undefined;
  const seq = unsignedAt(record, keysAt + SEQ_KEY.length);
  if (seq === undefined || !startsWith(record, seq[1], TYPE_KEY)) return undefined;
  const type = stringAt(record, seq[1] + TYPE_KEY.length);
  return type === undefined ? undefined : { seq: seq[0], type };
}
