import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An OTLP/HTTP endpoint on loopback that reads every export and answers success, counting posts and bytes: the
 * cheapest collector there is, so that a tracing figure measures the node's side of exporting.
 */
export interface OtlpSink {
  endpoint: string;
  posts: number;
  bytes: number;
  close(): Promise<void>;
}

export async function startOtlpSink(): Promise<OtlpSink> {
  const server: Server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => {
      sink.bytes += chunk.length;
    });
    request.on('end', () => {
      sink.posts += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const sink: OtlpSink = {
    endpoint: `http://127.0.0.1:${port}`,
    posts: 0,
    bytes: 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return sink;
}
