// Raw baseline for the memory and soak benchmarks: a bare process whose main thread imports the packages an
// actor worker imports, then starts `count` bare workers that import them too and stay alive, doing nothing.
// Run as `node bare-workers.mjs COUNT PACKAGES_JSON`: prints one JSON line when every worker is up ({ ready:
// true, rssBeforeWorkers, workers }), then idles until it is sent SIGTERM.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

if (isMainThread) {
  const count = Number(process.argv[2]);
  const packages = JSON.parse(process.argv[3] ?? '[]');
  if (!Number.isInteger(count) || count < 0)
    throw new Error(`bare-workers: bad worker count '${process.argv[2]}'`);
  await Promise.all(packages.map((name) => import(name)));
  const rssBeforeWorkers = process.memoryUsage().rss;
  const workers = Array.from(
    { length: count },
    () => new Worker(new URL(import.meta.url), { workerData: { packages } }),
  );
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
  process.stdout.write(`${JSON.stringify({ ready: true, rssBeforeWorkers, workers: workers.length })}\n`);
  const idle = setInterval(() => {}, 60_000);
  process.once('SIGTERM', async () => {
    clearInterval(idle);
    await Promise.all(workers.map((w) => w.terminate()));
    process.exit(0);
  });
} else {
  await Promise.all(workerData.packages.map((name) => import(name)));
  // A listener keeps the worker alive (and its isolate in memory), as an actor worker waiting for messages.
  parentPort.on('message', () => {});
  parentPort.postMessage('ready');
}
