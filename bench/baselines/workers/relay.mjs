// Raw baseline: one hop of a chain. Forwards each message to the next worker's port or, at the end of the
// chain, records when it arrived (epoch ms with microseconds, comparable across threads).
import { serveHop } from './chain-hop.mjs';

serveHop((message, next, arrivals) => {
  if (next) next.postMessage(message);
  else arrivals.push(performance.timeOrigin + performance.now());
});
