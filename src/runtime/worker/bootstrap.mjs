// Node 20 cannot run a .ts worker entry: when the entry is TypeScript source, register tsx in this worker first.
// The compiled package points workers at .js entries and never loads tsx.
import { workerData } from 'node:worker_threads';

const entry = workerData?.foxtrotEntry;
if (typeof entry !== 'string')
  throw new Error('foxtrot worker bootstrap: workerData.foxtrotEntry is missing');
if (entry.endsWith('.ts')) {
  // tsx's resolve hook costs a thread hop per import: load the large packages before it is registered, so that
  // the TypeScript modules find them already in the module cache (this halves a worker's start from source).
  const packages = workerData.foxtrotPackages ?? [];
  await Promise.all(packages.map((name) => import(name)));
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
