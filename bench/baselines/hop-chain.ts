import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';

/** A chain of raw postMessage hops: the sender's port, then one bare relay worker per hop, the last one recording. */
export interface RawChain {
  send(message: unknown): void;
  /** Arrival times at the end of the chain since the last collect (epoch ms, microsecond resolution). */
  collect(): Promise<number[]>;
  close(): Promise<void>;
}

export function startRawChain(hops: number): RawChain {
  const workers = Array.from(
    { length: hops },
    () => new Worker(new URL('./workers/relay.mjs', import.meta.url)),
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
        last.once('message', (message: { arrivals: number[] }) => resolve(message.arrivals));
        last.postMessage({ collect: true });
      }),
    async close() {
      sender.close();
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
