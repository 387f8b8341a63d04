import type { SpanContext } from '@opentelemetry/api';

/*
 * The span of the message this thread is handling right now. A thread handles one message at a time, start to
 * end, so one slot is enough: sends made while handling become its children, and log lines carry its ids.
 */
let active: SpanContext | undefined;

export function activeSpan(): SpanContext | undefined {
  return active;
}

/** Makes `span` the active one and returns the one it replaces, to be put back when handling ends. */
export function swapActiveSpan(span: SpanContext | undefined): SpanContext | undefined {
  const previous = active;
  active = span;
  return previous;
}
