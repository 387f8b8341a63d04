import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';

/** A chain of raw postMessage hops: the sender's port, then one bare relay worker per hop, the last one recording. */
export interface RawChain<TArrival = number> {
  send(message: unknown): void;
  /** What the last relay recorded since the last collect (by default arrival times: epoch ms, us resolution). */
  collect(): Promise<TArrival[]>;
  close(): Promise<void>;
}

export interface RawChainOptions {
  /** The relay worker; by default one that passes every message on and records bare arrival times. */
  relay?: URL;
  /** The `workerData` of the relay at each hop (0 is the first). */
  workerData?: (hop: number) => unknown;
}

export function startRawChain<TArrival = number>(
  hops: number,
  options: RawChainOptions = {},
): RawChain<TArrival> {
  const relay = options.relay ?? new URL('./workers/relay.mjs', import.meta.url);
  const workers = Array.from(
    { length: hops },
    (_, hop) => new Worker(relay, { workerData: options.workerData?.(hop) }),
  );
  let input: MessagePort | undefined;
  workers.forEach((worker, index) => {
    const { port1, port2 } = new MessageChannel();
    if (index === 0) input = port1;
    else (workers[index - 1] as Worker).postMessage({ out: port1 }, [port1]);
    worker.postMessage({ in: port2 }, [port2]);
  });
  const sender = input as MessagePort;
  const last = workers[workers.length - 1] as Worker;
  return {
    send: (message) => sender.postMessage(message),
    collect: () =>
      new Promise((resolve) => {
        last.once('message', (message: { arrivals: TArrival[] }) => resolve(message.arrivals));
        last.postMessage({ collect: true });
      }),
    async close() {
      sender.close();
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
