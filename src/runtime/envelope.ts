import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValidationError } from '../resilience/errors.ts';
import { nextId } from './ids.ts';

/** What travels between actors. Plain data, safe for structured clone. */
export interface Envelope<TType extends string = string, TPayload = unknown> {
  id: string;
  from: string;
  to: string;
  type: TType;
  payload: TPayload;
  /** Milliseconds since the epoch when the envelope was created. */
  timestamp: number;
  /** Shared by every message of one conversation (an order's whole path). */
  correlationId: string;
  /** Where a reply goes: set on asks. */
  replyTo?: string;
  traceparent?: string;
  tracestate?: string;
  /**
   * Set by the receiving endpoint, never by a sender: the envelope was handed over before, to an earlier
   * incarnation of this receiver (or by an earlier incarnation of its sender), which may have acted on it without
   * saving that it did (AMQP's `redelivered`). An actor that keeps no state of its own (a venue adapter) checks
   * before acting on it again.
   */
  redelivered?: true;
}

/** The part of an envelope an actor sees beside the payload. */
export interface MessageMeta {
  id: string;
  from: string;
  timestamp: number;
  correlationId: string;
  replyTo?: string;
  traceparent?: string;
  tracestate?: string;
  /** See Envelope.redelivered. */
  redelivered?: true;
}

/**
 * A message that begins a trace of its own instead of continuing the sender's (which it links to). `entry`: sampled
 * by the node's sampler, every one by default: an order entering the node. `high-rate`: sampled at the high-rate
 * ratio: market data and periodic housekeeping, so that they are traced now and then at little cost.
 */
export type TraceStart = 'entry' | 'high-rate';

export interface EnvelopeOptions {
  correlationId?: string;
  /** When the envelope is made, ms since the epoch; a simulated clock sets it, otherwise now. */
  timestamp?: number;
  replyTo?: string;
  traceparent?: string;
  tracestate?: string;
  /** Starts a new trace at this message (see TraceStart); only what it carries travels, not this flag. */
  trace?: TraceStart;
}

/** `timestamp`: when the envelope is made, if not `options.timestamp` (a simulated clock's time); default now. */
export function createEnvelope<TType extends string, TPayload>(
  from: string,
  to: string,
  type: TType,
  payload: TPayload,
  options?: EnvelopeOptions,
  timestamp?: number,
): Envelope<TType, TPayload> {
  const id = nextId();
  const envelope: Envelope<TType, TPayload> = {
    id,
    from,
    to,
    type,
    payload,
    timestamp: options?.timestamp ?? timestamp ?? Date.now(),
    correlationId: options?.correlationId ?? id,
  };
  if (options?.replyTo !== undefined) envelope.replyTo = options.replyTo;
  if (options?.traceparent !== undefined) envelope.traceparent = options.traceparent;
  if (options?.tracestate !== undefined) envelope.tracestate = options.tracestate;
  return envelope;
}

const EnvelopeSchema = Type.Object({
  id: Type.String({ minLength: 1 }),
  from: Type.String({ minLength: 1 }),
  to: Type.String({ minLength: 1 }),
  type: Type.String({ minLength: 1 }),
  payload: Type.Unknown(),
  timestamp: Type.Number(),
  correlationId: Type.String({ minLength: 1 }),
  replyTo: Type.Optional(Type.String({ minLength: 1 })),
  traceparent: Type.Optional(Type.String()),
  tracestate: Type.Optional(Type.String()),
  redelivered: Type.Optional(Type.Literal(true)),
});

const envelopeCheck = TypeCompiler.Compile(EnvelopeSchema);

/** Checks the envelope's own fields (not the payload, which its protocol checks). */
export function isEnvelope(value: unknown): value is Envelope {
  return envelopeCheck.Check(value);
}

export function assertEnvelope(value: unknown): asserts value is Envelope {
  if (envelopeCheck.Check(value)) return;
  const first = envelopeCheck.Errors(value).First();
  throw new ValidationError(
    `invalid envelope: ${first ? `${first.path || '/'} ${first.message}` : 'not an object'}`,
    first ? { path: first.path } : {},
  );
}
