import { describe, expect, it } from 'vitest';
import { Type, ValidationError } from '../../src/index.ts';
import { assertEnvelope, createEnvelope, isEnvelope } from '../../src/runtime/envelope.ts';
import { assertMessage, defineProtocol } from '../../src/runtime/protocol.ts';

const protocol = defineProtocol({
  messages: {
    place: Type.Object({
      qty: Type.Integer({ minimum: 1 }),
      side: Type.Union([Type.Literal('BUY'), Type.Literal('SELL')]),
    }),
    status: Type.Object({}),
  },
  replies: { status: Type.Object({ open: Type.Integer() }) },
});

describe('protocols', () => {
  it('accepts valid payloads and says what is wrong, and where, with invalid ones', () => {
    expect(protocol.check('place', { qty: 3, side: 'BUY' })).toBeUndefined();
    expect(protocol.check('place', { qty: 0, side: 'BUY' })).toMatch(
      /payload of 'place' at \/qty: Expected integer to be greater or equal to 1/,
    );
    expect(protocol.check('place', { qty: 1, side: 'HOLD' })).toMatch(/at \/side/);
    expect(protocol.check('cancel', {})).toBe("unknown message type 'cancel'");
    expect(protocol.accepts('status')).toBe(true);
  });

  it('checks replies of the messages that have them', () => {
    expect(protocol.checkReply('status', { open: 2 })).toBeUndefined();
    expect(protocol.checkReply('status', { open: 'two' })).toMatch(/reply to 'status' at \/open/);
    expect(protocol.checkReply('place', { anything: true })).toBeUndefined();
  });

  it('throws a ValidationError naming the receiver', () => {
    expect(() => assertMessage(protocol, 'risk', 'place', { qty: -1, side: 'SELL' })).toThrow(
      ValidationError,
    );
    expect(() => assertMessage(protocol, 'risk', 'place', { qty: -1, side: 'SELL' })).toThrow(
      /message to 'risk'/,
    );
  });
});

describe('envelopes', () => {
  it('are plain, cloneable data with every field the design names', () => {
    const envelope = createEnvelope(
      'a',
      'b',
      'place',
      { qty: 1 },
      { replyTo: 'a#1', traceparent: '00-abc-def-01' },
    );
    expect(structuredClone(envelope)).toEqual(envelope);
    expect(envelope).toMatchObject({
      from: 'a',
      to: 'b',
      type: 'place',
      replyTo: 'a#1',
      traceparent: '00-abc-def-01',
    });
    expect(envelope.correlationId).toBe(envelope.id);
    expect(isEnvelope(envelope)).toBe(true);
  });

  it('keeps a given correlation id, and ids are unique', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => createEnvelope('a', 'b', 't', null).id));
    expect(ids.size).toBe(1000);
    expect(createEnvelope('a', 'b', 't', null, { correlationId: 'order-7' }).correlationId).toBe('order-7');
  });

  it('refuses malformed envelopes with the field at fault', () => {
    expect(() =>
      assertEnvelope({
        id: 'x',
        from: 'a',
        to: '',
        type: 't',
        payload: null,
        timestamp: 1,
        correlationId: 'c',
      }),
    ).toThrow(/invalid envelope: \/to/);
    expect(isEnvelope('nope')).toBe(false);
  });
});
