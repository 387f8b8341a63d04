import { mkdirSync } from 'node:fs';
import { type Database, open, type RootDatabase } from 'lmdb';
import type {
  ActorHistory,
  ActorRestart,
  ActorState,
  ActorSummary,
  SpanView,
  TraceSummary,
} from './api-types.ts';

export type { TraceSummary } from './api-types.ts';

export interface Retention {
  /** Most traces kept: the oldest go first. */
  maxTraces: number;
  /** Traces that started longer ago than this are removed. */
  maxAgeMs: number;
}

export interface TraceFilter {
  q?: string;
  order?: string;
  instrument?: string;
  actor?: string;
  type?: string;
  errorsOnly?: boolean;
  from?: number;
  to?: number;
  limit?: number;
}

const MAX_LISTED = 20;

function addAll(into: string[], values: Iterable<string>): string[] {
  const set = new Set(into);
  for (const value of values) if (set.size < MAX_LISTED) set.add(value);
  return [...set];
}

function matchesOf(text: unknown, field: string): string[] {
  if (typeof text !== 'string') return [];
  return [...text.matchAll(new RegExp(`"${field}":"([^"]{1,100})"`, 'g'))].map((match) => match[1] as string);
}

/** The actor a supervisor's span is about (`supervise <actor>`), if it is one. */
function supervisedActor(span: SpanView): string | undefined {
  return /^supervise (.+)$/.exec(span.name)?.[1];
}

/** A trace's summary with one more of its spans folded in. */
function summarized(known: TraceSummary | undefined, span: SpanView): TraceSummary {
  const isRoot = span.parentSpanId === '';
  const start = Math.min(known?.start ?? span.start, span.start);
  const end = Math.max(known === undefined ? span.end : known.start + known.durationMs, span.end);
  const payload = span.attributes['foxtrot.message.payload'];
  const summary: TraceSummary = {
    traceId: span.traceId,
    start,
    durationMs: end - start,
    rootName: isRoot ? span.name : (known?.rootName ?? span.name),
    actors: addAll(known?.actors ?? [], span.actor ? [span.actor] : []),
    threads: addAll(known?.threads ?? [], span.thread ? [span.thread] : []),
    spanCount: (known?.spanCount ?? 0) + 1,
    errorCount: (known?.errorCount ?? 0) + (span.status.code === 2 ? 1 : 0),
    orderIds: addAll(known?.orderIds ?? [], matchesOf(payload, 'clientOrderId')),
    instruments: addAll(known?.instruments ?? [], matchesOf(payload, 'instrumentId')),
    types: addAll(known?.types ?? [], span.messageType ? [span.messageType] : []),
  };
  const rootActor = isRoot ? span.actor : known?.rootActor;
  if (rootActor !== undefined) summary.rootActor = rootActor;
  return summary;
}

/**
 * The trace viewer's own LMDB environment: spans by trace, a summary of each trace, traces by start time, and each
 * actor's handled messages (state before and after) and restarts, for the actor view. One ingest is one transaction.
 */
export class TraceStore {
  private readonly root: RootDatabase;
  private readonly spans: Database<SpanView, [string, string]>;
  private readonly traces: Database<TraceSummary, string>;
  private readonly byStart: Database<true, [number, string]>;
  private readonly actors: Database<ActorSummary, string>;
  private readonly states: Database<Omit<ActorState, 'time' | 'spanId'>, [string, number, string]>;
  private readonly restarts: Database<Omit<ActorRestart, 'time' | 'spanId'>, [string, number, string]>;

  constructor(
    readonly path: string,
    readonly retention: Retention,
  ) {
    mkdirSync(path, { recursive: true });
    this.root = open({ path, maxDbs: 8 });
    this.spans = this.root.openDB({ name: 'spans' });
    this.traces = this.root.openDB({ name: 'traces' });
    this.byStart = this.root.openDB({ name: 'by-start' });
    this.actors = this.root.openDB({ name: 'actors' });
    this.states = this.root.openDB({ name: 'actor-states' });
    this.restarts = this.root.openDB({ name: 'actor-restarts' });
  }

  /**
   * Stores spans and updates what they touch; returns the ids of the traces touched. An export brings many spans of
   * few traces and actors: their summaries are folded in memory and written once each.
   */
  ingest(spans: readonly SpanView[], now = Date.now()): string[] {
    const traces = new Map<string, { storedStart: number | undefined; summary: TraceSummary | undefined }>();
    const actors = new Map<string, ActorSummary | undefined>();
    this.root.transactionSync(() => {
      for (const span of spans) {
        this.spans.putSync([span.traceId, span.spanId], span);
        let trace = traces.get(span.traceId);
        if (trace === undefined) {
          const stored = this.traces.get(span.traceId);
          trace = { storedStart: stored?.start, summary: stored };
          traces.set(span.traceId, trace);
        }
        trace.summary = summarized(trace.summary, span);
        this.indexActor(span, actors);
      }
      for (const [traceId, { storedStart, summary }] of traces) {
        if (summary === undefined) continue;
        if (storedStart !== summary.start) {
          if (storedStart !== undefined) this.byStart.removeSync([storedStart, traceId]);
          this.byStart.putSync([summary.start, traceId], true);
        }
        this.traces.putSync(traceId, summary);
      }
      for (const [id, summary] of actors) if (summary !== undefined) this.actors.putSync(id, summary);
      this.prune(now);
    });
    return [...traces.keys()];
  }

  /** Indexes an actor's span: its state before and after, a supervisor's restart events, the actor's summary. */
  private indexActor(span: SpanView, actors: Map<string, ActorSummary | undefined>): void {
    const supervised = supervisedActor(span);
    const actor = supervised ?? span.actor;
    if (actor === undefined) return;
    const known = actors.has(actor) ? actors.get(actor) : this.actors.get(actor);
    const restartEvents = supervised === undefined ? [] : span.events;
    const kind = span.actorKind ?? known?.kind;
    actors.set(actor, {
      id: actor,
      ...(kind ? { kind } : {}),
      lastSeen: Math.max(known?.lastSeen ?? 0, span.end),
      spans: (known?.spans ?? 0) + 1,
      restarts: (known?.restarts ?? 0) + restartEvents.filter((event) => event.name === 'restarted').length,
    });
    for (const event of restartEvents) {
      const detail = event.attributes['foxtrot.failure.reason'];
      this.restarts.putSync([actor, event.time, span.spanId], {
        traceId: span.traceId,
        event: event.name,
        ...(typeof detail === 'string' ? { detail } : {}),
      });
    }
    const before = span.attributes['foxtrot.actor.state.before'];
    const after = span.attributes['foxtrot.actor.state.after'];
    if (supervised === undefined && typeof before === 'string') {
      this.states.putSync([actor, span.start, span.spanId], {
        traceId: span.traceId,
        type: span.messageType ?? span.name,
        before,
        after: typeof after === 'string' ? after : before,
        ...(span.status.code === 2 ? { error: span.status.message ?? 'error' } : {}),
      });
    }
  }

  /** Removes the oldest traces beyond the retention: their spans, summaries and actor entries. */
  private prune(now: number): void {
    let excess = this.traces.getCount() - this.retention.maxTraces;
    const oldestKept = now - this.retention.maxAgeMs;
    for (const { key } of this.byStart.getRange({ snapshot: false })) {
      const [start, traceId] = key;
      if (excess <= 0 && start >= oldestKept) break;
      this.removeTrace(traceId, start);
      excess -= 1;
    }
  }

  private removeTrace(traceId: string, start: number): void {
    for (const { key, value } of this.spans.getRange({
      start: [traceId],
      end: [`${traceId}\u0000`],
      snapshot: false,
    })) {
      const actor = supervisedActor(value) ?? value.actor;
      if (actor !== undefined) {
        this.states.removeSync([actor, value.start, value.spanId]);
        for (const event of value.events) this.restarts.removeSync([actor, event.time, value.spanId]);
      }
      this.spans.removeSync(key);
    }
    this.traces.removeSync(traceId);
    this.byStart.removeSync([start, traceId]);
  }

  /** Traces newest first, filtered; free text matches order ids, instruments, actors, message types and the root. */
  listTraces(filter: TraceFilter = {}): TraceSummary[] {
    const limit = Math.min(filter.limit ?? 100, 1000);
    const q = filter.q?.trim().toLowerCase();
    const found: TraceSummary[] = [];
    const range = this.byStart.getRange({
      reverse: true,
      ...(filter.to === undefined ? {} : { start: [filter.to, '\uffff'] }),
      ...(filter.from === undefined ? {} : { end: [filter.from, ''] }),
    });
    for (const { key } of range) {
      const trace = this.traces.get(key[1]);
      if (trace === undefined || !matches(trace, filter, q)) continue;
      found.push(trace);
      if (found.length >= limit) break;
    }
    return found;
  }

  trace(traceId: string): SpanView[] {
    return [...this.spans.getRange({ start: [traceId], end: [`${traceId}\u0000`] })]
      .map(({ value }) => value)
      .sort((a, b) => a.start - b.start);
  }

  actorList(): ActorSummary[] {
    return [...this.actors.getRange()].map(({ value }) => value);
  }

  actor(id: string, limit = 200): ActorHistory {
    const within = {
      start: [id, Number.POSITIVE_INFINITY],
      end: [id, Number.NEGATIVE_INFINITY],
      reverse: true,
    };
    const states = [...this.states.getRange({ ...within, limit })].map(({ key, value }) => ({
      time: key[1],
      spanId: key[2],
      ...value,
    }));
    const restarts = [...this.restarts.getRange({ ...within, limit })].map(({ key, value }) => ({
      time: key[1],
      spanId: key[2],
      ...value,
    }));
    return { id, states, restarts };
  }

  get traceCount(): number {
    return this.traces.getCount();
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}

function matches(trace: TraceSummary, filter: TraceFilter, q: string | undefined): boolean {
  if (filter.errorsOnly && trace.errorCount === 0) return false;
  if (filter.actor && !trace.actors.includes(filter.actor)) return false;
  if (filter.type && !trace.types.includes(filter.type)) return false;
  if (filter.instrument && !trace.instruments.includes(filter.instrument)) return false;
  if (filter.order && !trace.orderIds.includes(filter.order)) return false;
  if (q) {
    const haystack = [
      trace.rootName,
      ...trace.orderIds,
      ...trace.instruments,
      ...trace.actors,
      ...trace.types,
    ];
    if (!haystack.some((value) => value.toLowerCase().includes(q))) return false;
  }
  return true;
}
