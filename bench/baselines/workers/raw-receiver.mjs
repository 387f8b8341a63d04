// Raw baseline: takes envelopes from a peer worker, touches each one, and reports when `expect` have arrived.
import { parentPort } from 'node:worker_threads';

let expected = 0;
let received = 0;
let checksum = 0;

function take(envelope) {
  checksum += envelope.payload.n;
  received += 1;
  if (received === expected) parentPort.postMessage({ done: received, checksum });
}

parentPort.on('message', (message) => {
  if (message.port) {
    message.port.on('message', (data) => {
      if (Array.isArray(data)) for (const envelope of data) take(envelope);
      else take(data);
    });
    return;
  }
  expected = message.expect;
  received = 0;
  parentPort.postMessage({ ready: true });
});
