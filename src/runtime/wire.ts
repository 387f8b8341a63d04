import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { Envelope } from './envelope.ts';

/**
 * What one endpoint (a thread hosting actors) posts to another over a link's MessagePort. Envelopes sent in one
 * event-loop turn travel as one batch, or one by one to a peer that keeps up (see PIPELINE_DEPTH); `s` is the
 * sequence number of the batch's first envelope on this link.
 * An ack says the receiver has taken responsibility for every envelope up to `s` (handled, and its state saved).
 * On a link with an acknowledgement board (see AckBoard) it is posted only to a sender that waits for room; a batch
 * carries one (`a`) when the two directions have traffic at the same time, which saves a post. `r` marks
 * envelopes sent again: those numbered up to `r` were posted before, to an earlier incarnation of the receiver or
 * by an earlier incarnation of the sender, and may have been handled already (see Envelope.redelivered).
 * `e` is the envelopes encoded (see batch-codec.ts), or the envelopes themselves: a small batch, or one the codec
 * cannot carry.
 */
export type LinkMessage =
  | { t: 'batch'; s: number; e: Envelope[] | Uint8Array; a?: number; r?: number }
  | { t: 'ack'; s: number };

const LinkMessageSchema = Type.Union([
  Type.Object({
    t: Type.Literal('batch'),
    s: Type.Integer({ minimum: 1 }),
    e: Type.Union([Type.Uint8Array(), Type.Array(Type.Unknown())]),
    a: Type.Optional(Type.Integer({ minimum: 0 })),
    r: Type.Optional(Type.Integer({ minimum: 0 })),
  }),
  Type.Object({ t: Type.Literal('ack'), s: Type.Integer({ minimum: 0 }) }),
]);

const linkMessageCheck = TypeCompiler.Compile(LinkMessageSchema);

export function isLinkMessage(value: unknown): value is LinkMessage {
  return linkMessageCheck.Check(value);
}

/** Reply envelopes carry this type; the asker validates the payload against the request's reply schema. */
export const REPLY_TYPE = '$reply';
/** Sent back to a sender whose message the receiver refused (schema, unknown type, poison). */
export const REJECTED_TYPE = '$rejected';

export interface RejectionPayload {
  id: string;
  type: string;
  reason: string;
}

/** A reply address is the asking actor's id, `#`, and a number unique in that actor's endpoint. */
export function replyAddress(actorId: string, n: number): string {
  return `${actorId}#${n}`;
}

/** The actor part of an address (reply addresses route to the actor that asked). */
export function actorOf(address: string): string {
  const hash = address.indexOf('#');
  return hash === -1 ? address : address.slice(0, hash);
}
