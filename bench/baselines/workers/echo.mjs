// Raw baseline: answers every message at once, for the round-trip latency of a bare postMessage ping-pong.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', (message) => parentPort.postMessage(message));
