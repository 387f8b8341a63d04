import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanView } from '../../src/traces/span-view.ts';
import { healthy, type Running, startNode, stop, trading, until } from '../support/node-process.ts';
import { consumerSpan, OtlpReceiver } from '../support/otlp-receiver.ts';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format strictly: a line that is not a comment or a sample fails the test. */
function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1] as string, type[2] as string);
      continue;
    }
    if (/^# (HELP|UNIT) [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)( \d+)?$/.exec(line);
    if (!sample) throw new Error(`not Prometheus text: ${line}`);
    const labels: Record<string, string> = {};
    for (const match of (sample[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[match[1] as string] = match[2] as string;
    }
    samples.push({ name: sample[1] as string, labels, value: Number(sample[4]) });
  }
  return { types, samples };
}

/*
 * The node as users run it, with the standard OTEL_* variables pointing at an OTLP/HTTP receiver on loopback:
 * every worker thread exports its own spans, and the admin endpoint serves every thread's metrics.
 */
describe('foxtrot run with tracing and metrics', () => {
  let receiver: OtlpReceiver;
  let node: Running;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    node = await startNode([], undefined, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    await healthy(node);
  }, 60_000);

  afterAll(async () => {
    if (node) {
      await stop(node);
      node.child.kill('SIGKILL');
    }
    await receiver?.close();
  });

  it("traces an order from the strategy to its fill in the portfolio as one tree across the actors' threads", async () => {
    await trading(node, undefined, 30_000);
    // A trace in which the portfolio took a fill, and the strategy's order request is the root.
    const order = await until(
      'a traced order with its fill',
      async () => {
        for (const fill of receiver.spans.filter((s) => s.attributes['foxtrot.message.type'] === 'fill')) {
          const spans = receiver.trace(fill.traceId);
          const root = spans.find((span) => span.parentSpanId === '');
          if (root?.kind !== 'PRODUCER' || root.attributes['foxtrot.message.type'] !== 'submit') continue;
          // Each thread exports on its own schedule: wait for the parents of the spans already here.
          const ids = new Set(spans.map((span) => span.spanId));
          if (spans.every((span) => span.parentSpanId === '' || ids.has(span.parentSpanId))) return spans;
        }
        return undefined;
      },
      30_000,
    );
    const root = order.find((span) => span.parentSpanId === '') as SpanView;
    expect(root.thread).toBe(root.attributes['foxtrot.actor.id']);
    expect(String(root.attributes['foxtrot.actor.id'])).toMatch(/^strategy-/);

    const threads = new Set(order.map((span) => span.thread));
    for (const thread of ['risk', 'execution', 'adapter-SIM', 'venue-SIM', 'portfolio']) {
      expect(threads).toContain(thread);
    }
    expect(threads.size).toBeGreaterThanOrEqual(4);

    // One tree: one root, and every other span's parent is in the trace.
    const ids = new Set(order.map((span) => span.spanId));
    expect(order.filter((span) => span.parentSpanId === '')).toHaveLength(1);
    for (const span of order) if (span.parentSpanId !== '') expect(ids.has(span.parentSpanId)).toBe(true);

    const risk = consumerSpan(order, 'risk', 'submit') as SpanView;
    expect(risk.attributes).toMatchObject({
      'foxtrot.actor.kind': 'risk',
      'foxtrot.actor.state.before': 'ACTIVE',
      'foxtrot.actor.state.after': 'ACTIVE',
      'messaging.destination.name': 'risk',
    });
    expect(ids.has(risk.parentSpanId)).toBe(true);
    expect(consumerSpan(order, 'execution', 'submitOrder')).toBeDefined();
    expect(consumerSpan(order, 'venue-SIM', 'submit')).toBeDefined();
    // The write-ahead commit of execution's journal is in the trace too.
    expect(order.some((span) => span.name === 'persist execution')).toBe(true);
  }, 60_000);

  it("serves every thread's metrics on /metrics in the Prometheus format", async () => {
    expect((await node.admin('/trading-state', { state: 'HALTED', reason: 'test' })).code).toBe(200);
    expect((await node.admin('/faults', { actor: 'strategy-trend', fault: 'throw' })).code).toBe(200);
    const { types, samples } = await until(
      'metrics after a denial and a restart',
      async () => {
        const scrape = await node.text('/metrics');
        expect(scrape.code).toBe(200);
        expect(scrape.type).toContain('text/plain');
        const parsed = parsePrometheus(scrape.body);
        const restarted = parsed.samples.some(
          (s) => s.name === 'foxtrot_actor_restarts_total' && s.labels.foxtrot_actor_id === 'strategy-trend',
        );
        const denied = parsed.samples.some((s) => s.name === 'foxtrot_risk_denials_total');
        return restarted && denied ? parsed : undefined;
      },
      30_000,
    );
    const sum = (name: string, labels: Record<string, string> = {}) =>
      samples
        .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        .reduce((total, s) => total + s.value, 0);

    expect(types.get('foxtrot_messages_handled_total')).toBe('counter');
    expect(
      sum('foxtrot_messages_handled_total', { foxtrot_actor_id: 'risk', foxtrot_message_type: 'submit' }),
    ).toBeGreaterThan(0);
    expect(types.get('foxtrot_message_handling_duration')).toBe('histogram');
    expect(
      sum('foxtrot_message_handling_duration_count', {
        foxtrot_actor_id: 'execution',
        foxtrot_message_type: 'submitOrder',
      }),
    ).toBeGreaterThan(0);
    expect(types.get('foxtrot_mailbox_depth')).toBe('gauge');
    expect(
      samples.some((s) => s.name === 'foxtrot_mailbox_depth' && s.labels.foxtrot_actor_id === 'risk'),
    ).toBe(true);
    const heap = samples.filter((s) => s.name.startsWith('foxtrot_thread_heap_used'));
    expect(new Set(heap.map((s) => s.labels.foxtrot_thread))).toContain('execution');
    expect(new Set(heap.map((s) => s.labels.foxtrot_thread))).toContain('main');
    expect(heap.every((s) => s.value > 1_000_000)).toBe(true);
    expect(
      sum('foxtrot_actor_restarts_total', { foxtrot_actor_id: 'strategy-trend' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sum('foxtrot_risk_denials_total', { request: 'submit' })).toBeGreaterThan(0);
    expect(sum('foxtrot_orders')).toBeGreaterThan(0);
    expect(sum('foxtrot_fills_total')).toBeGreaterThan(0);
    expect(sum('foxtrot_journal_commit_duration_count', { foxtrot_actor_id: 'execution' })).toBeGreaterThan(
      0,
    );
    expect(types.get('foxtrot_journal_commit_entries')).toBe('histogram');
    expect(sum('foxtrot_tick_to_order_duration_count')).toBeGreaterThan(0);
    // Every data point says which thread it came from: equal series of two threads never collide.
    const handled = samples.filter((s) => s.name === 'foxtrot_messages_handled_total');
    expect(handled.every((s) => s.labels.foxtrot_thread === s.labels.foxtrot_actor_id)).toBe(true);
    // Metrics are pushed over OTLP as well.
    await until('an OTLP metrics export', async () => receiver.metricPosts > 0 || undefined, 10_000);
  }, 60_000);

  it("sets an actor's log level at run time, and refuses a bad level or an unknown actor", async () => {
    expect((await node.admin('/actors/risk/log-level', { level: 'debug' })).code).toBe(200);
    const bad = await node.admin('/actors/risk/log-level', { level: 'loud' });
    expect(bad.code).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('level: expected one of');
    expect((await node.admin('/actors/nobody/log-level', { level: 'info' })).code).toBe(400);
  });
});
