import type { Counter, Histogram, Meter } from '@opentelemetry/api';

/** Handling times of actor messages, in milliseconds: most take microseconds, a slow one tens of milliseconds. */
const HANDLING_BUCKETS_MS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000];

/** The instruments the runtime records into for every actor; actors add their own through `io.meter`. */
export interface RuntimeInstruments {
  handled: Counter;
  handlingMs: Histogram;
  deadLetters: Counter;
  restarts: Counter;
  escalations: Counter;
  malformedTraceparent: Counter;
  journalCommitMs: Histogram;
  journalBatch: Histogram;
}

export function createRuntimeInstruments(meter: Meter): RuntimeInstruments {
  return {
    handled: meter.createCounter('foxtrot.messages.handled', {
      description: 'Messages an actor handled, by message type and outcome (ok, rejected, failed)',
    }),
    handlingMs: meter.createHistogram('foxtrot.message.handling.duration', {
      description: 'Time an actor took to handle a message',
      unit: 'ms',
      advice: { explicitBucketBoundaries: HANDLING_BUCKETS_MS },
    }),
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
    journalCommitMs: meter.createHistogram('foxtrot.journal.commit.duration', {
      description: "Time of an actor's write-ahead commit (state, progress and journal in one transaction)",
      unit: 'ms',
      advice: { explicitBucketBoundaries: HANDLING_BUCKETS_MS },
    }),
    journalBatch: meter.createHistogram('foxtrot.journal.commit.entries', {
      description: 'Journal entries and replayable inputs written by one commit',
      advice: { explicitBucketBoundaries: [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] },
    }),
  };
}
