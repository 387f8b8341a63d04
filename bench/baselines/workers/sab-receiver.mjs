// Raw baseline: takes `expect` envelopes from the SharedArrayBuffer ring (see sab-ring.mjs), each rebuilt as an
// object, touches each one as raw-receiver.mjs does, and reports when they have all arrived. It blocks in the ring
// (spinning, then in Atomics.wait) meanwhile.
import { parentPort } from 'node:worker_threads';
import { ringReader } from './sab-ring.mjs';

let take;
let checksum = 0;
const handle = (envelope) => {
  checksum += envelope.payload.n;
};

parentPort.on('message', (message) => {
  if (message.ring) {
    take = ringReader(message.ring);
    return;
  }
  parentPort.postMessage({ ready: true });
  take(message.expect, handle);
  parentPort.postMessage({ done: message.expect, checksum });
});
