// Raw baseline: a worker that loads the same packages as an actor worker (workerData.packages) and says it is ready.
import { parentPort, workerData } from 'node:worker_threads';

await Promise.all((workerData?.packages ?? []).map((name) => import(name)));
parentPort.postMessage('ready');
