// Raw baseline: posts envelopes shaped like Foxtrot's to a peer worker, `batch` per postMessage, no runtime at all.
import { parentPort } from 'node:worker_threads';
import { envelopeFactory } from './envelope.mjs';

let port;
const make = envelopeFactory();
const envelope = (n) => make('producer', 'consumer', 'item', { n });

parentPort.on('message', (message) => {
  if (message.port) {
    port = message.port;
    return;
  }
  const { count, batch } = message;
  if (batch === 1) {
    for (let n = 1; n <= count; n += 1) port.postMessage(envelope(n));
    return;
  }
  for (let n = 1; n <= count; ) {
    const envelopes = [];
    for (let i = 0; i < batch && n <= count; i += 1, n += 1) envelopes.push(envelope(n));
    port.postMessage(envelopes);
  }
});
