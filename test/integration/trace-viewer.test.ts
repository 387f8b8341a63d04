import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_ASSETS } from '../../src/traces/run-viewer.ts';
import { TraceStore } from '../../src/traces/trace-store.ts';
import { TraceViewer } from '../../src/traces/viewer-server.ts';
import { tempDir } from '../support/temp-dir.ts';

/** Spans of an order's path as a node's threads make them, exported by the real OTLP exporter. */
async function exportOrder(
  exporter: SpanExporter,
  thread: string,
  orderId: string,
  fail = false,
): Promise<string> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'foxtrot', 'thread.name': thread }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('test');
  const root = tracer.startSpan('send submit', {
    kind: SpanKind.PRODUCER,
    attributes: { 'foxtrot.actor.id': 'strategy-mm', 'foxtrot.message.type': 'submit' },
  });
  const risk = tracer.startSpan(
    'process submit',
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'foxtrot.actor.id': 'risk',
        'foxtrot.actor.kind': 'risk',
        'foxtrot.message.type': 'submit',
        'foxtrot.message.payload': JSON.stringify({
          order: { clientOrderId: orderId, instrumentId: 'BTCUSDT.SIM' },
        }),
        'foxtrot.actor.state.before': 'ACTIVE',
        'foxtrot.actor.state.after': fail ? 'ACTIVE' : 'REDUCING',
        'foxtrot.actor.context.changed': ['openOrderCount'],
        'foxtrot.mailbox.depth': 3,
      },
    },
    trace.setSpan(ROOT_CONTEXT, root),
  );
  if (fail) {
    risk.recordException(new Error('risk crashed'));
    risk.setStatus({ code: SpanStatusCode.ERROR, message: 'risk crashed' });
  }
  risk.end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return root.spanContext().traceId;
}

type Row = Record<string, unknown>;
interface ApiBody {
  spans: Row[];
  traces: Row[];
  states: Row[];
  actors: Row[];
}

describe('foxtrot traces: the receiver and its query API', () => {
  const dir = tempDir('traces');
  let store: TraceStore;
  let viewer: TraceViewer;
  const api = async (path: string) => {
    const response = await fetch(`${viewer.url}${path}`);
    return { code: response.status, body: (await response.json()) as ApiBody };
  };

  beforeAll(async () => {
    store = new TraceStore(dir.path, { maxTraces: 4, maxAgeMs: 3_600_000 });
    viewer = await TraceViewer.start(store, {
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 64 * 1024,
      assets: UI_ASSETS,
    });
  });

  afterAll(async () => {
    await viewer.close();
    await store.close();
    dir.remove();
  });

  it('stores what the OpenTelemetry exporters post, in protobuf and in JSON, grouped into traces', async () => {
    const viaProtobuf = await exportOrder(
      new ProtobufExporter({ url: `${viewer.url}/v1/traces` }),
      'risk',
      'o-proto',
    );
    const viaJson = await exportOrder(new JsonExporter({ url: `${viewer.url}/v1/traces` }), 'risk', 'o-json');
    for (const [traceId, orderId] of [
      [viaProtobuf, 'o-proto'],
      [viaJson, 'o-json'],
    ] as const) {
      const { code, body } = await api(`/api/traces/${traceId}`);
      expect(code).toBe(200);
      const spans = body.spans;
      expect(spans.map((span) => span.name).sort()).toEqual(['process submit', 'send submit']);
      const root = spans.find((span) => span.name === 'send submit');
      const risk = spans.find((span) => span.name === 'process submit');
      expect(root).toMatchObject({ parentSpanId: '', kind: 'PRODUCER', thread: 'risk', service: 'foxtrot' });
      expect(risk).toMatchObject({
        parentSpanId: root?.spanId,
        kind: 'CONSUMER',
        actor: 'risk',
        actorKind: 'risk',
        messageType: 'submit',
        attributes: { 'foxtrot.actor.state.after': 'REDUCING', 'foxtrot.mailbox.depth': 3 },
      });
      expect(
        (risk?.attributes as Record<string, unknown> | undefined)?.['foxtrot.actor.context.changed'],
      ).toEqual(['openOrderCount']);
      const listed = await api(`/api/traces?q=${orderId}`);
      expect(listed.body.traces.map((t) => t.traceId)).toEqual([traceId]);
      expect(listed.body.traces[0]).toMatchObject({
        rootName: 'send submit',
        spanCount: 2,
        orderIds: [orderId],
        instruments: ['BTCUSDT.SIM'],
        actors: expect.arrayContaining(['risk', 'strategy-mm']),
        errorCount: 0,
      });
    }
  });

  it('finds traces with errors, and keeps each actor state over time', async () => {
    const failed = await exportOrder(
      new ProtobufExporter({ url: `${viewer.url}/v1/traces` }),
      'risk',
      'o-bad',
      true,
    );
    const errors = await api('/api/traces?errors=1');
    expect(errors.body.traces.map((t) => t.traceId)).toEqual([failed]);
    const risk = await api('/api/actors/risk');
    const states = risk.body.states;
    expect(states[0]).toMatchObject({
      traceId: failed,
      type: 'submit',
      before: 'ACTIVE',
      error: 'risk crashed',
    });
    expect(states.length).toBeGreaterThanOrEqual(3);
    const actors = (await api('/api/actors')).body.actors;
    expect(actors.find((actor) => actor.id === 'risk')).toMatchObject({ kind: 'risk', restarts: 0 });
  });

  it('refuses a malformed body with 400 and a reason, storing nothing', async () => {
    const before = store.traceCount;
    const garbage = await fetch(`${viewer.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]),
    });
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { error: string }).error).toMatch(/not an OTLP protobuf trace export/);
    const badId = await fetch(`${viewer.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: 'xyz',
                    spanId: '0102030405060708',
                    name: 'a',
                    startTimeUnixNano: '1',
                    endTimeUnixNano: '2',
                  },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(badId.status).toBe(400);
    expect(((await badId.json()) as { error: string }).error).toMatch(
      /spans\[0\]\.traceId: expected 16 bytes as hex/,
    );
    const notJson = await fetch(`${viewer.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"resourceSpans": [',
    });
    expect(notJson.status).toBe(400);
    const wrongType = await fetch(`${viewer.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(wrongType.status).toBe(415);
    expect(store.traceCount).toBe(before);
  });

  it('refuses an oversized body with 413', async () => {
    const response = await fetch(`${viewer.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(65 * 1024),
    });
    expect(response.status).toBe(413);
  });

  it('keeps at most the configured number of traces, dropping the oldest', async () => {
    const exporter = () => new ProtobufExporter({ url: `${viewer.url}/v1/traces` });
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push(await exportOrder(exporter(), 'risk', `o-r${i}`));
    expect(store.traceCount).toBe(4);
    const listed = (await api('/api/traces')).body.traces.map((t) => t.traceId);
    expect(listed).toEqual(ids.slice(1).reverse());
    expect((await api(`/api/traces/${ids[0]}`)).code).toBe(404);
  });

  it('accepts metrics posted to it without keeping them, so a node can point all of its OTLP here', async () => {
    const response = await fetch(`${viewer.url}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"resourceMetrics":[]}',
    });
    expect(response.status).toBe(200);
  });
});
