/*
 * The trace viewer's JSON API: what the server answers and the page reads (ui/src imports these types). All times
 * are milliseconds since the epoch.
 */

export type SpanKindName = 'UNSPECIFIED' | 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';

export interface SpanEvent {
  name: string;
  time: number;
  attributes: Record<string, unknown>;
}

/** A span as the viewer stores it and `GET /api/traces/:id` returns it. */
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
  events: SpanEvent[];
  links: Array<{ traceId: string; spanId: string }>;
  /** 0 unset, 1 ok, 2 error. */
  status: { code: 0 | 1 | 2; message?: string };
}

export interface TraceDetail {
  traceId: string;
  spans: SpanView[];
}

/** One trace as the list shows it (`GET /api/traces`), kept up to date as its spans arrive. */
export interface TraceSummary {
  traceId: string;
  start: number;
  durationMs: number;
  rootName: string;
  rootActor?: string;
  actors: string[];
  threads: string[];
  spanCount: number;
  errorCount: number;
  orderIds: string[];
  instruments: string[];
  types: string[];
}

export interface ActorSummary {
  id: string;
  kind?: string;
  lastSeen: number;
  spans: number;
  restarts: number;
}

/** A message an actor handled, with its state value before and after. */
export interface ActorState {
  time: number;
  traceId: string;
  spanId: string;
  type: string;
  before: string;
  after: string;
  error?: string;
}

/** A supervisor's step about an actor: failure detected, restarting, restarted. */
export interface ActorRestart {
  time: number;
  traceId: string;
  spanId: string;
  event: string;
  detail?: string;
}

export interface ActorHistory {
  id: string;
  /** Newest first. */
  states: ActorState[];
  restarts: ActorRestart[];
}
