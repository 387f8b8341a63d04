import { type SpanContext, TraceFlags } from '@opentelemetry/api';
import { parseTraceParent, TraceState } from '@opentelemetry/core';

/** The span attribute that marks a high-rate message starting a trace (market data): sampled at its own ratio. */
export const HIGH_RATE_ATTRIBUTE = 'foxtrot.trace.high_rate';

/** The W3C trace context fields an envelope carries. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/**
 * The span context an envelope carries, `undefined` when it carries none, or `'malformed'` when its traceparent
 * is not a valid W3C header: the message is then handled as the root of a new trace, and the header counted.
 */
export function extractSpanContext(carrier: TraceCarrier): SpanContext | 'malformed' | undefined {
  const header = carrier.traceparent;
  if (header === undefined) return undefined;
  const parsed = parseTraceParent(header);
  if (parsed === null) return 'malformed';
  parsed.isRemote = true;
  if (carrier.tracestate !== undefined && carrier.tracestate !== '') {
    parsed.traceState = new TraceState(carrier.tracestate);
  }
  return parsed;
}

/** Writes a span context as the envelope fields (version 00 of the W3C header). */
export function carrierOf(context: SpanContext): TraceCarrier {
  const flags = (context.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? '01' : '00';
  const carrier: TraceCarrier = { traceparent: `00-${context.traceId}-${context.spanId}-${flags}` };
  const state = context.traceState?.serialize();
  if (state) carrier.tracestate = state;
  return carrier;
}

export function isSampled(context: SpanContext): boolean {
  return (context.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
}
