import type { Counter, Meter } from '@opentelemetry/api';
import type { BoundCounter, BoundHistogram, BoundMetrics } from './bound-metrics.ts';

/** Handling times of actor messages, in milliseconds: most take microseconds, a slow one tens of milliseconds. */
const HANDLING_BUCKETS_MS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000];
const ENTRY_BUCKETS = [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

type Binder<T> = (attributes: Record<string, string>) => T;

/**
 * The instruments the runtime records into for every actor; actors add their own through `io.meter`. What happens
 * per message or per commit is bound to its attributes once (see BoundMetrics); the rest are SDK instruments.
 */
export interface RuntimeInstruments {
  handled: Binder<BoundCounter>;
  handlingMs: Binder<BoundHistogram>;
  journalCommitMs: Binder<BoundHistogram>;
  journalBatch: Binder<BoundHistogram>;
  deadLetters: Counter;
  restarts: Counter;
  escalations: Counter;
  malformedTraceparent: Counter;
}

export function createRuntimeInstruments(meter: Meter, bound: BoundMetrics): RuntimeInstruments {
  return {
    handled: bound.counter(
      'foxtrot.messages.handled',
      'Messages an actor handled, by message type and outcome (ok, rejected, failed)',
    ),
    handlingMs: bound.histogram(
      'foxtrot.message.handling.duration',
      'Time an actor took to handle a message',
      'ms',
      HANDLING_BUCKETS_MS,
    ),
    journalCommitMs: bound.histogram(
      'foxtrot.journal.commit.duration',
      "Time of an actor's write-ahead commit (state, progress and journal in one transaction)",
      'ms',
      HANDLING_BUCKETS_MS,
    ),
    journalBatch: bound.histogram(
      'foxtrot.journal.commit.entries',
      'Journal entries and replayable inputs written by one commit',
      '',
      ENTRY_BUCKETS,
    ),
    deadLetters: meter.createCounter('foxtrot.messages.dead_lettered', {
      description: 'Messages that could not be delivered or were refused, by the actor they were for',
    }),
    restarts: meter.createCounter('foxtrot.actor.restarts', { description: 'Actor restarts by supervisors' }),
    escalations: meter.createCounter('foxtrot.actor.escalations', {
      description: 'Failures a supervisor gave up on and passed to its parent',
    }),
    malformedTraceparent: meter.createCounter('foxtrot.trace.malformed_traceparent', {
      description: 'Envelopes whose traceparent was not a valid W3C header (handled as new traces)',
    }),
  };
}
