import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spansOfJson, spansOfProtobuf } from '../../src/traces/otlp-protobuf.ts';
import type { SpanView } from '../../src/traces/span-view.ts';

/**
 * An OTLP/HTTP receiver on loopback for tests: keeps the spans posted to /v1/traces (JSON or protobuf, decoded as
 * `foxtrot traces` decodes them) and counts the posts to /v1/metrics.
 */
export class OtlpReceiver {
  readonly spans: SpanView[] = [];
  metricPosts = 0;
  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(): Promise<OtlpReceiver> {
    let receiver: OtlpReceiver | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        const protobuf = String(request.headers['content-type']).startsWith('application/x-protobuf');
        if (request.url === '/v1/traces')
          receiver?.spans.push(...(protobuf ? spansOfProtobuf(body) : spansOfJson(body)));
        else if (request.url === '/v1/metrics' && receiver) receiver.metricPosts += 1;
        response.writeHead(200, { 'content-type': protobuf ? 'application/x-protobuf' : 'application/json' });
        response.end(protobuf ? undefined : '{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    receiver = new OtlpReceiver(server, `http://127.0.0.1:${port}`);
    return receiver;
  }

  trace(traceId: string): SpanView[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The span of `actor` handling a message of `type`, if one is among `spans`. */
export function consumerSpan(spans: readonly SpanView[], actor: string, type: string): SpanView | undefined {
  return spans.find((span) => span.kind === 'CONSUMER' && span.actor === actor && span.messageType === type);
}
