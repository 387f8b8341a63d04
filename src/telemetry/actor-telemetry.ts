import { performance } from 'node:perf_hooks';
import {
  type Attributes,
  type Link,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { EnvelopeOptions } from '../runtime/envelope.ts';
import { activeSpan, swapActiveSpan } from './active-span.ts';
import type { BoundCounter, BoundHistogram } from './bound-metrics.ts';
import type { ThreadTelemetry } from './thread-telemetry.ts';
import {
  carrierOf,
  extractSpanContext,
  HIGH_RATE_ATTRIBUTE,
  isSampled,
  type TraceCarrier,
} from './trace-context.ts';

/** What telemetry reads of a message: an envelope's fields. */
export interface HandledMessage extends TraceCarrier {
  id: string;
  type: string;
  payload: unknown;
}

/** What telemetry reads of an actor's state before and after a message. */
interface StateView {
  value: unknown;
  context: unknown;
}

export interface Handling {
  span: Span | undefined;
  type: string;
  startedAt: number;
  previous: SpanContext | undefined;
  before: StateView | undefined;
}

export type Outcome = 'ok' | 'rejected' | 'failed';

const MAX_CHANGED_KEYS = 16;

function stateValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The top-level context fields a message replaced (XState's assign makes new objects for what it changes). */
function changedKeys(before: unknown, after: unknown): string[] {
  if (before === after || typeof after !== 'object' || after === null) return [];
  const previous = (typeof before === 'object' && before !== null ? before : {}) as Record<string, unknown>;
  const next = after as Record<string, unknown>;
  const changed: string[] = [];
  // Per traced message: for..in walks the keys without making the entries' arrays Object.entries would.
  for (const key in next) {
    if (previous[key] !== next[key]) changed.push(key);
    if (changed.length === MAX_CHANGED_KEYS) break;
  }
  return changed;
}

/**
 * One actor's telemetry, the same in a worker and inline: a CONSUMER span per handled message (child of the
 * sender's span, or the root of a new trace), a PRODUCER span per message it sends, and the runtime metrics.
 */
interface MessageMetrics {
  attributes: Attributes;
  handled: Record<Outcome, BoundCounter | undefined>;
  handlingMs: BoundHistogram;
}

export class ActorTelemetry {
  private readonly byType = new Map<string, MessageMetrics>();
  private readonly baseAttributes: Attributes;
  /** An unsampled parent keeps its children unsampled: they need no span of their own. */
  private readonly parentBased: boolean;
  /** Sampled spans of the messages handled since the last take: the persistence span of the turn links them. */
  private turnSpans: SpanContext[] = [];
  /** The span of the message whose handling failed, for the supervisor's span of the restart to join. */
  failedSpan: SpanContext | undefined;

  constructor(
    private readonly thread: ThreadTelemetry,
    readonly actorId: string,
    readonly kind: string,
    private readonly mailboxDepth: () => number = () => 0,
  ) {
    this.baseAttributes = { 'foxtrot.actor.id': actorId, 'foxtrot.actor.kind': kind };
    const tracing = thread.settings.tracing;
    this.parentBased = tracing.enabled && tracing.sampler.startsWith('parentbased');
  }

  /** The metrics of one message type, bound to their attributes the first time this actor sees the type. */
  private metricsOf(type: string): MessageMetrics {
    let metrics = this.byType.get(type);
    if (metrics === undefined) {
      const attributes = { ...this.baseAttributes, 'foxtrot.message.type': type } as Record<string, string>;
      metrics = {
        attributes,
        handled: { ok: undefined, rejected: undefined, failed: undefined },
        handlingMs: this.thread.instruments.handlingMs(attributes),
      };
      this.byType.set(type, metrics);
    }
    return metrics;
  }

  private count(type: string, outcome: Outcome): void {
    const metrics = this.metricsOf(type);
    let counter = metrics.handled[outcome];
    if (counter === undefined) {
      counter = this.thread.instruments.handled({
        ...(metrics.attributes as Record<string, string>),
        'foxtrot.outcome': outcome,
      });
      metrics.handled[outcome] = counter;
    }
    counter.add();
  }

  private attributes(type: string): Attributes {
    return this.metricsOf(type).attributes;
  }

  /** A message the protocol refused before any handling. */
  rejected(type: string): void {
    this.count(type, 'rejected');
  }

  begin(message: HandledMessage, state: StateView): Handling {
    const startedAt = performance.now();
    const tracer = this.thread.tracer;
    if (tracer === undefined) {
      return { span: undefined, type: message.type, startedAt, previous: undefined, before: undefined };
    }
    let parent = extractSpanContext(message);
    if (parent === 'malformed') {
      this.thread.instruments.malformedTraceparent.add(1, this.baseAttributes);
      parent = undefined;
    }
    const settings = this.thread.settings.tracing;
    if (parent !== undefined && !isSampled(parent) && this.parentBased) {
      // An unsampled trace stays unsampled: its context passes on as it came, with no span to make.
      return {
        span: undefined,
        type: message.type,
        startedAt,
        previous: swapActiveSpan(parent),
        before: undefined,
      };
    }
    const attributes: Attributes = {
      // Few attributes: encoding them is most of what a span costs. The sender is the parent PRODUCER span's.
      'messaging.system': 'foxtrot',
      'messaging.operation.name': 'process',
      'messaging.destination.name': this.actorId,
      'messaging.message.id': message.id,
      ...this.attributes(message.type),
    };
    const context = parent === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, parent);
    const span = tracer.startSpan(
      `process ${message.type}`,
      { kind: SpanKind.CONSUMER, attributes },
      context,
    );
    let before: StateView | undefined;
    if (span.isRecording()) {
      before = state;
      span.setAttribute('foxtrot.actor.state.before', stateValue(state.value));
      span.setAttribute('foxtrot.mailbox.depth', this.mailboxDepth());
      const limit = settings.enabled ? settings.payloadBytes : 0;
      if (limit > 0) {
        const payload = JSON.stringify(message.payload) ?? 'undefined';
        span.setAttribute(
          'foxtrot.message.payload',
          payload.length > limit ? `${payload.slice(0, limit)}…` : payload,
        );
      }
    }
    return { span, type: message.type, startedAt, previous: swapActiveSpan(span.spanContext()), before };
  }

  /** `changedInPlace`: context fields the handler changed without replacing them (see FastHandlerActor.changed). */
  end(handling: Handling, state: StateView, error?: unknown, changedInPlace: readonly string[] = []): void {
    const elapsed = performance.now() - handling.startedAt;
    this.count(handling.type, error === undefined ? 'ok' : 'failed');
    this.metricsOf(handling.type).handlingMs.record(elapsed);
    swapActiveSpan(handling.previous);
    const span = handling.span;
    if (span === undefined) return;
    if (handling.before !== undefined) {
      span.setAttribute('foxtrot.actor.state.after', stateValue(state.value));
      const changed = changedKeys(handling.before.context, state.context);
      for (const field of changedInPlace) if (!changed.includes(field)) changed.push(field);
      span.setAttribute('foxtrot.actor.context.changed', changed);
      this.turnSpans.push(span.spanContext());
    }
    if (error !== undefined) {
      this.failedSpan = span.spanContext();
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message ?? String(error) });
    }
    span.end();
  }

  /**
   * The options of a message this actor sends: it carries the context of a PRODUCER span made under the message
   * being handled (or under the trace context the caller gave), or at the root of a new trace when the send asks
   * for one (`trace`), linked to the span it was sent from. A send outside any handling carries no context: its
   * receiver starts a trace.
   */
  outgoing<T extends EnvelopeOptions>(to: string, type: string, options: T | undefined): T | undefined {
    const tracer = this.thread.tracer;
    if (tracer === undefined) return options;
    let parent: SpanContext | undefined;
    if (options?.traceparent !== undefined) {
      const given = extractSpanContext(options);
      parent = given === 'malformed' ? undefined : given;
    } else parent = activeSpan();
    const start = options?.trace;
    if (start === undefined) {
      if (parent === undefined) return options;
      if (!isSampled(parent)) return { ...options, ...carrierOf(parent) } as T;
    }
    const attributes: Attributes = {
      'messaging.system': 'foxtrot',
      'messaging.operation.name': 'send',
      'messaging.destination.name': to,
      'foxtrot.actor.id': this.actorId,
      'foxtrot.message.type': type,
    };
    if (start === 'high-rate') attributes[HIGH_RATE_ATTRIBUTE] = true;
    const links: Link[] = start !== undefined && parent !== undefined ? [{ context: parent }] : [];
    const context =
      start === undefined && parent !== undefined ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
    const span = tracer.startSpan(`send ${type}`, { kind: SpanKind.PRODUCER, attributes, links }, context);
    span.end();
    return { ...options, ...carrierOf(span.spanContext()) } as T;
  }

  /** The sampled handling spans since the last call: the messages a commit covers. */
  takeTurnSpans(): SpanContext[] {
    const spans = this.turnSpans;
    if (spans.length > 0) this.turnSpans = [];
    return spans;
  }

  /**
   * A span over one commit of this actor's state and journal, in the trace of the first message it covers and
   * linked to the others (`messaging.batch.message_count` of them).
   */
  persisted(covered: SpanContext[], startedAt: number, attributes: Attributes): void {
    const tracer = this.thread.tracer;
    const first = covered[0];
    if (tracer === undefined || first === undefined) return;
    const startTime = performance.timeOrigin + startedAt;
    const span = tracer.startSpan(
      `persist ${this.actorId}`,
      {
        kind: SpanKind.INTERNAL,
        startTime,
        attributes: {
          ...this.baseAttributes,
          'db.system.name': 'lmdb',
          'db.operation.name': 'commit',
          'messaging.batch.message_count': covered.length,
          ...attributes,
        },
        links: covered.slice(1).map((context) => ({ context })),
      },
      trace.setSpanContext(ROOT_CONTEXT, first),
    );
    span.end();
  }
}
