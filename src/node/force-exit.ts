/**
 * Ends the process at once, without the clean stop. Not `process.exit`: it joins every worker thread, and lmdb-js
 * can deadlock tearing down a worker caught inside a write transaction (seen here: the exit waited forever on a
 * worker's environment cleanup while the other workers waited for the write lock it held). A kill cannot hang,
 * and the store survives it as it survives any crash: the next start recovers and reconciles.
 */
export function forceExit(why: string): never {
  process.stderr.write(`${why}\n`);
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: the process was killed');
}
