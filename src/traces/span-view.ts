/** A span as the trace viewer stores it and its API returns it: times in milliseconds since the epoch. */
export interface SpanView {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  kind: SpanKindName;
  start: number;
  end: number;
  service: string;
  thread: string;
  actor?: string;
  actorKind?: string;
  messageType?: string;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; time: number; attributes: Record<string, unknown> }>;
  links: Array<{ traceId: string; spanId: string }>;
  /** 0 unset, 1 ok, 2 error. */
  status: { code: 0 | 1 | 2; message?: string };
}

export const SPAN_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;
export type SpanKindName = (typeof SPAN_KINDS)[number];

/** What a request body held that is not OTLP: answered 400 with this reason, and nothing is stored. */
export class OtlpInputError extends Error {
  override readonly name = 'OtlpInputError';
}
