import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from './store-error.ts';

const LOCK_FILE = 'foxtrot.lock';
const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * LMDB lets several processes share an environment; two nodes writing one store would each believe it owns the
 * orders in it. A lock file naming the owner's pid keeps a second node out; a lock left by a killed node (its pid
 * gone) is taken over, since a SIGKILL is exactly what the store must recover from.
 */
export function acquireLock(storePath: string): () => void {
  const path = join(storePath, LOCK_FILE);
  if (heldHere.has(path)) throw new StoreError(storePath, 'already open in this process');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldHere.add(path);
      return () => {
        heldHere.delete(path);
        rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StoreError(storePath, `cannot create its lock file: ${(error as Error).message}`);
      }
      const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
        throw new StoreError(storePath, `locked by a running node (pid ${owner}); stop it first`, {
          pid: owner,
        });
      }
      rmSync(path, { force: true });
    }
  }
  throw new StoreError(storePath, 'could not take its lock file');
}
