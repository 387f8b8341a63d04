import { MessageChannel } from 'node:worker_threads';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBatch, ENCODE_FROM, encodeBatch } from '../../src/runtime/batch-codec.ts';
import { createEnvelope } from '../../src/runtime/envelope.ts';
import { Link } from '../../src/runtime/link.ts';

/** Through JSON once: -0 becomes 0, which is how the codec carries it too (see batch-codec.ts). */
const payload = fc.jsonValue().map((value) => JSON.parse(JSON.stringify(value)) as unknown);

const envelope = fc
  .record({
    from: fc.constantFrom('risk', 'execution', 'portfolio'),
    to: fc.constantFrom('venue-SIM', 'strategy-a'),
    type: fc.constantFrom('submit', 'orderEvent', 'fill'),
    payload,
    traced: fc.boolean(),
  })
  .map(({ from, to, type, payload: body, traced }) =>
    createEnvelope(
      from,
      to,
      type,
      body,
      traced ? { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` } : {},
    ),
  );

const batchOf = (count: number, make: (i: number) => unknown) =>
  Array.from({ length: count }, (_, i) => make(i));

describe('batch codec', () => {
  it('gives back every batch as it was: encoded, or by structured clone when it holds an own __proto__ key', () => {
    let encoded = 0;
    fc.assert(
      fc.property(fc.array(envelope, { minLength: ENCODE_FROM, maxLength: 80 }), (batch) => {
        const bytes = encodeBatch(batch);
        if (bytes !== undefined) encoded += 1;
        else expect(JSON.stringify(batch)).toContain('"__proto__"');
        expect(bytes === undefined ? structuredClone(batch) : decodeBatch(bytes)).toEqual(batch);
      }),
      { numRuns: 200 },
    );
    expect(encoded).toBeGreaterThan(100);
  });

  it('carries what structured clone carries beside JSON: Maps, Sets, Dates, bytes, undefined, bigints', () => {
    const batch = batchOf(ENCODE_FROM, (i) => ({
      map: new Map<unknown, unknown>([
        [i, 'a'],
        ['k', { nested: [1, 2] }],
      ]),
      set: new Set([i, 'x']),
      at: new Date(1_700_000_000_000 + i),
      bytes: new Uint8Array([i, 255]),
      missing: undefined,
      small: BigInt(i) - 5n,
      large: 2n ** 70n + BigInt(i),
      sparse: [1, undefined, null],
    }));
    expect(decodeBatch(encodeBatch(batch) as Uint8Array)).toEqual(batch);
  });

  it('carries a batch of more shapes than msgpackr has record slots for (64)', () => {
    const batch = batchOf(200, (i) => ({
      [`field${i}`]: i,
      [`other${i % 7}`]: { depth: { [`k${i}`]: [i] } },
    }));
    expect(decodeBatch(encodeBatch(batch) as Uint8Array)).toEqual(batch);
  });

  it('leaves a small batch, or one it cannot carry, to structured clone', () => {
    const envelopes = batchOf(ENCODE_FROM, (i) => createEnvelope('a', 'b', 'n', { n: i }));
    expect(encodeBatch(envelopes.slice(1))).toBeUndefined();
    const cycle: Record<string, unknown> = { n: 1 };
    cycle.self = cycle;
    expect(encodeBatch([...envelopes, cycle])).toBeUndefined();
    expect(encodeBatch([...envelopes, { callback: () => 1 }])).toBeUndefined();
    expect(encodeBatch([...envelopes, { tag: Symbol('s') }])).toBeUndefined();
    // msgpackr would rename it: structured clone keeps it.
    expect(encodeBatch([...envelopes, JSON.parse('{"nested":{"__proto__":{"a":1}}}')])).toBeUndefined();
  });

  it('makes batches that decode on their own, in any order (a receiver may restart between them)', () => {
    const first = encodeBatch(batchOf(ENCODE_FROM, (i) => createEnvelope('a', 'b', 'n', { n: i })));
    const second = encodeBatch(batchOf(ENCODE_FROM, (i) => createEnvelope('a', 'b', 'n', { n: 100 + i })));
    expect((decodeBatch(second as Uint8Array)[0] as { payload: { n: number } }).payload.n).toBe(100);
    expect((decodeBatch(first as Uint8Array)[0] as { payload: { n: number } }).payload.n).toBe(0);
  });

  it('refuses bytes that are not an encoded batch', () => {
    expect(() => decodeBatch(new Uint8Array([0x2a]))).toThrow(/not an array/);
    expect(() => decodeBatch(new Uint8Array([0xdc, 0xff]))).toThrow();
  });

  it('makes a link report an undecodable batch and deliver nothing of it', async () => {
    const invalid: string[] = [];
    const delivered: unknown[] = [];
    const receiver = new Link('sender', 64, {
      onBatch: (_link, _first, envelopes) => delivered.push(...envelopes),
      onInvalid: (_link, reason) => invalid.push(reason),
      onAcked: () => undefined,
    });
    const { port1, port2 } = new MessageChannel();
    receiver.attach(port2, 'sender@1', 0);
    port1.postMessage({ t: 'batch', s: 1, e: new Uint8Array([0xdc, 0xff]) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    receiver.close();
    port1.close();
    expect(delivered).toEqual([]);
    expect(invalid).toEqual([expect.stringMatching(/^undecodable batch: /)]);
  });
});
