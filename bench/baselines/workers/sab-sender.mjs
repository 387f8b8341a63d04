// Raw baseline: makes the same envelopes as raw-sender.mjs and copies each into a SharedArrayBuffer ring (see
// sab-ring.mjs) shared with the receiver, no postMessage on the way.
import { parentPort } from 'node:worker_threads';
import { envelopeFactory } from './envelope.mjs';
import { ringWriter } from './sab-ring.mjs';

const envelope = envelopeFactory();
let write;

parentPort.on('message', (message) => {
  if (message.ring) {
    write = ringWriter(message.ring);
    return;
  }
  for (let n = 1; n <= message.count; n += 1) write(envelope('producer', 'consumer', 'item', { n }));
});
