// Raw baseline: one hop of a chain. Forwards each message to the next worker's port or, at the end of the
// chain, records when it arrived (epoch ms with microseconds, comparable across threads).
import { parentPort } from 'node:worker_threads';

let next;
let arrivals = [];

const onData = (message) => {
  if (next) next.postMessage(message);
  else arrivals.push(performance.timeOrigin + performance.now());
};

parentPort.on('message', (message) => {
  if (message.in) message.in.on('message', onData);
  if (message.out) next = message.out;
  if (message.collect) {
    parentPort.postMessage({ arrivals });
    arrivals = [];
  }
});
