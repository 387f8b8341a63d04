import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { readJournalHead } from '../../src/persistence/journal-head.ts';
import { decodeRecord, encodeRecord } from '../../src/persistence/record-codec.ts';

describe("a journal record's head read off its bytes", () => {
  it('gives the seq and type the full decode gives, for any record appendJournal writes', () => {
    const seq = fc.oneof(
      fc.integer({ min: 1, max: 127 }),
      fc.integer({ min: 128, max: 2 ** 32 - 1 }),
      fc.integer({ min: 2 ** 32, max: Number.MAX_SAFE_INTEGER }),
    );
    fc.assert(
      fc.property(seq, fc.string({ minLength: 1, maxLength: 200 }), fc.jsonValue(), (n, type, data) => {
        const bytes = encodeRecord({ seq: n, type, at: 5, actor: 'execution', data });
        const full = decodeRecord<{ seq: number; type: string }>(bytes);
        const head = readJournalHead(bytes);
        // A type it cannot read cheaply (not ASCII, or long) is left to the full decode.
        if (head !== undefined) expect(head).toEqual({ seq: full.seq, type: full.type });
        const ascii = [...type].every((c) => c.charCodeAt(0) < 0x80);
        if (ascii && type.length < 32 && n < 2 ** 32) expect(head).toBeDefined();
      }),
    );
  });

  it('gives up on a record laid out otherwise, rather than guess', () => {
    expect(readJournalHead(encodeRecord({ type: 'Filled', seq: 3 }))).toBeUndefined();
    expect(readJournalHead(encodeRecord({ seq: -1, type: 'Filled' }))).toBeUndefined();
    expect(readJournalHead(encodeRecord([1, 'Filled']))).toBeUndefined();
    const fixmap = new Packr({ useRecords: false, variableMapSize: true }).pack({ seq: 9, type: 'Accepted' });
    const framed = Buffer.concat([Buffer.from([1, 0, 0, 0, 0]), fixmap]);
    expect(readJournalHead(framed)).toEqual({ seq: 9, type: 'Accepted' });
    expect(readJournalHead(Buffer.from([1, 0, 0]))).toBeUndefined();
  });
});
