// Raw baseline: one hop of a chain that carries the runtime's link messages of tick envelopes, with no runtime and
// no work. It passes each batch on as it came; the hop where the strategy sits (workerData.keepEvery) passes on
// only every keepEvery-th envelope it sees, as the strategy orders on one tick in `every`. The last hop records
// when each envelope arrived, with its tick's bid (which numbers the tick).
import { workerData } from 'node:worker_threads';
import { serveHop } from './chain-hop.mjs';

const keepEvery = workerData?.keepEvery;
let seen = 0;

const keep = (batch) => {
  const kept = [];
  for (const envelope of batch.e) {
    seen += 1;
    if (seen % keepEvery === 0) kept.push(envelope);
  }
  return kept.length === 0 ? undefined : { t: 'batch', s: batch.s, e: kept };
};

serveHop((message, next, arrivals) => {
  const batch = keepEvery === undefined ? message : keep(message);
  if (batch === undefined) return;
  if (next) {
    next.postMessage(batch);
    return;
  }
  const at = performance.timeOrigin + performance.now();
  for (const envelope of batch.e) arrivals.push({ price: envelope.payload.bid, at });
});
