// One hop of a raw chain (see hop-chain.ts): the main thread hands the worker the port it reads from (`in`) and,
// unless it is the last hop, the port of the next one (`out`); `collect` asks the last hop for what it recorded.
import { parentPort } from 'node:worker_threads';

/**
 * Serves the chain's wiring; `handle` gets each message with the next hop's port (undefined at the end of the
 * chain) and the records the last hop keeps until the next collect.
 */
export function serveHop(handle) {
  let next;
  let arrivals = [];
  parentPort.on('message', (message) => {
    if (message.in) message.in.on('message', (data) => handle(data, next, arrivals));
    if (message.out) next = message.out;
    if (message.collect) {
      parentPort.postMessage({ arrivals });
      arrivals = [];
    }
  });
}
