import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Attributes } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { riskProtocol } from '../../actors/risk/protocol.ts';
import { siblingModule } from '../../src/index.ts';
import type { SpanView } from '../../src/traces/span-view.ts';
import { counterProtocol } from '../fixtures/counter.ts';
import { btcOrder, btcSpec } from '../fixtures/instruments.ts';
import { consumerSpan, OtlpReceiver } from '../support/otlp-receiver.ts';
import { counter, startSystem, type TestSystem, waitFor } from '../support/system.ts';
import { tempDir } from '../support/temp-dir.ts';

const ERROR = 2;

/*
 * Tracing through real worker threads, each with its own OpenTelemetry SDK exporting over OTLP/HTTP to a receiver
 * on loopback. The environment is set before the first actor starts: every thread reads it when it boots.
 */
describe('tracing across worker threads', () => {
  let receiver: OtlpReceiver;
  let test: TestSystem;
  const logs = tempDir('trace-logs');
  const logFile = join(logs.path, 'foxtrot.log');

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
    process.env.OTEL_BSP_SCHEDULE_DELAY = '50';
    process.env.OTEL_SERVICE_NAME = 'foxtrot-test';
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    process.env.FOXTROT_LOG_DESTINATION = logFile;
    process.env.FOXTROT_LOG_LEVEL = 'info';
    test = await startSystem([
      ...['a', 'b', 'c', 'd'].map((id) => ({ id, start: counter() })),
      {
        id: 'risk',
        start: {
          actor: { module: siblingModule('../../actors/risk/worker', import.meta.url), export: 'riskActor' },
          input: { instruments: [btcSpec], executionId: 'd' },
        },
      },
    ]);
  }, 30_000);

  afterAll(async () => {
    await test.system.stop();
    await receiver.close();
    logs.remove();
    for (const name of [
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_BSP_SCHEDULE_DELAY',
      'OTEL_SERVICE_NAME',
      'OTEL_EXPORTER_OTLP_PROTOCOL',
      'FOXTROT_LOG_DESTINATION',
      'FOXTROT_LOG_LEVEL',
    ]) {
      delete process.env[name];
    }
  });

  it('makes one trace of a message passed through four threads, each hop a child of the one before', async () => {
    test.system.ref('a', counterProtocol).tell('pass', { route: ['b', 'c', 'd'] });
    const last = await waitFor(() => consumerSpan(receiver.spans, 'd', 'pass'), 10_000, "d's span");
    // Each thread exports on its own schedule: wait for all four hops of this trace.
    const handled = await waitFor(
      () => {
        const hops = ['a', 'b', 'c', 'd'].map((actor) =>
          consumerSpan(receiver.trace(last.traceId), actor, 'pass'),
        );
        return hops.every((span) => span !== undefined) ? hops : undefined;
      },
      10_000,
      'every hop',
    );
    const spans = receiver.trace(last.traceId);
    expect(new Set(handled.map((span) => span?.thread))).toEqual(new Set(['a', 'b', 'c', 'd']));

    // a's span is the root (the main thread's tell carried no context); every other hop hangs off a PRODUCER span
    // of the hop before, made in that actor's thread.
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    expect(handled[0]?.parentSpanId).toBe('');
    for (let hop = 1; hop < handled.length; hop += 1) {
      const producer = byId.get(handled[hop]?.parentSpanId ?? '');
      expect(producer?.kind).toBe('PRODUCER');
      expect(producer?.attributes['messaging.destination.name']).toBe(['a', 'b', 'c', 'd'][hop]);
      expect(producer?.parentSpanId).toBe(handled[hop - 1]?.spanId);
      expect(producer?.thread).toBe(['a', 'b', 'c', 'd'][hop - 1]);
    }
    for (const span of spans) {
      if (span.parentSpanId !== '') expect(byId.has(span.parentSpanId)).toBe(true);
    }
    const d = handled[3] as SpanView;
    expect(d.attributes).toMatchObject({
      'messaging.system': 'foxtrot',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'd',
      'foxtrot.actor.kind': 'counter',
      'foxtrot.actor.state.before': 'idle',
      'foxtrot.actor.state.after': 'idle',
      'foxtrot.actor.context.changed': ['count'],
      'foxtrot.message.payload': '{"route":[]}',
    });
    expect(typeof d.attributes['messaging.message.id']).toBe('string');
    expect(typeof d.attributes['foxtrot.mailbox.depth']).toBe('number');
    expect(d.service).toBe('foxtrot-test');
  });

  it('records state changes: the state value before and after a transition', async () => {
    test.system.ref('b', counterProtocol).tell('arm', { ms: 60_000 });
    const span = await waitFor(() => consumerSpan(receiver.spans, 'b', 'arm'), 10_000, "b's arm span");
    expect(span.attributes['foxtrot.actor.state.before']).toBe('idle');
    expect(span.attributes['foxtrot.actor.state.after']).toBe('armed');
    expect(span.attributes['foxtrot.actor.context.changed']).toEqual(['armedMs']);
  });

  it("names every context field a fast handler changed: risk's screening of an order", async () => {
    const risk = test.system.ref('risk', riskProtocol);
    risk.tell('balance', { currency: 'USDT', free: '100000' });
    await risk.ask('submit', { order: btcOrder('traced-ok') });
    await risk.ask('submit', { order: btcOrder('traced-unknown', { instrumentId: 'NOPE.SIM' }) });
    const changed = async (clientOrderId: string) => {
      const span = await waitFor(
        () =>
          receiver.spans.find(
            (s) =>
              s.kind === 'CONSUMER' &&
              s.attributes['foxtrot.actor.id'] === 'risk' &&
              String(s.attributes['foxtrot.message.payload']).includes(clientOrderId),
          ),
        10_000,
        `risk's span of ${clientOrderId}`,
      );
      return [...(span.attributes['foxtrot.actor.context.changed'] as string[])].sort();
    };
    // Passed: held open, counted by the throttle.
    expect(await changed('traced-ok')).toEqual(
      [
        'knownOrderIds',
        'knownOrderQueue',
        'lastDecision',
        'openOrderCount',
        'openOrders',
        'submitWindow',
      ].sort(),
    );
    // Denied at the first check (an unknown instrument): the throttle never saw it.
    expect(await changed('traced-unknown')).toEqual(['knownOrderIds', 'knownOrderQueue', 'lastDecision']);
  });

  it('gives a failing message error status, and the restart joins its trace', async () => {
    test.system.ref('c', counterProtocol).tell('crash', {});
    const failed = await waitFor(() => consumerSpan(receiver.spans, 'c', 'crash'), 10_000, 'the crash span');
    expect(failed.status.code).toBe(ERROR);
    expect(failed.status.message).toContain('counter crashed on purpose');
    expect(failed.events.some((event) => event.name === 'exception')).toBe(true);
    const supervision = await waitFor(
      () =>
        receiver
          .trace(failed.traceId)
          .find((span) => span.name === 'supervise c' && span.events.some((e) => e.name === 'restarted')),
      10_000,
      'the restart span',
    );
    expect(supervision.parentSpanId).toBe(failed.spanId);
    expect(supervision.thread).toBe('main');
    expect(supervision.events.map((event) => event.name)).toEqual([
      'failure detected',
      'restarting',
      'restarted',
    ]);
  });

  it('handles a malformed traceparent as a new root trace and counts it', async () => {
    test.system.ref('d', counterProtocol).tell('inc', { by: 1 }, { traceparent: 'not-a-traceparent' });
    const span = await waitFor(() => consumerSpan(receiver.spans, 'd', 'inc'), 10_000, "d's inc span");
    expect(span.parentSpanId).toBe('');
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    const threads = await test.system.collectMetrics();
    const malformed = threads
      .flatMap((thread) => thread.scopeMetrics.flatMap((scope) => scope.metrics))
      .find((metric) => metric.descriptor.name === 'foxtrot.trace.malformed_traceparent');
    expect(malformed?.dataPoints.map((point) => point.value)).toEqual([1]);
    expect(await test.system.ref('d', counterProtocol).ask('get', {})).toMatchObject({ count: 2 });
  });

  it('counts the spans a full export queue drops', async () => {
    process.env.OTEL_BSP_MAX_QUEUE_SIZE = '4';
    const small = await startSystem([
      { id: 'q1', start: counter() },
      { id: 'q2', start: counter() },
    ]);
    try {
      small.system.ref('q1', counterProtocol).tell('burst', { to: 'q2', count: 200 });
      const dropped = await waitFor(
        async () => {
          const threads = await small.system.collectMetrics();
          const points = threads
            .filter((thread) => thread.thread === 'q1')
            .flatMap((thread) => thread.scopeMetrics.flatMap((scope) => scope.metrics))
            .filter((metric) => metric.descriptor.name === 'otel.sdk.processor.span.processed')
            .flatMap((metric) => metric.dataPoints as Array<{ attributes: Attributes; value: unknown }>)
            .filter((point) => point.attributes['error.type'] === 'queue_full');
          const count = points.reduce((total, point) => total + (point.value as number), 0);
          return count > 0 ? count : undefined;
        },
        10_000,
        'dropped spans counted',
      );
      // 200 PRODUCER spans in one turn, into a queue of 4.
      expect(dropped).toBeGreaterThan(150);
    } finally {
      delete process.env.OTEL_BSP_MAX_QUEUE_SIZE;
      await small.system.stop();
    }
  });

  it("puts the trace and span ids of the message being handled on an actor's log lines", async () => {
    test.system.ref('a', counterProtocol).tell('note', { stream: 'x', n: 1 });
    const span = await waitFor(() => consumerSpan(receiver.spans, 'a', 'note'), 10_000, "a's note span");
    const lines = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"noted"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({ actor: 'a', kind: 'counter', trace_id: span.traceId, span_id: span.spanId }),
    );
  });
});
