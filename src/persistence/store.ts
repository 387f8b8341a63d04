import { accessSync, constants, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Database, open, type RootDatabase } from 'lmdb';
import { isClosed, ORDER_STATUSES } from '../domain/order-status.ts';
import { DB, SCHEMA_VERSION, STREAM } from './layout.ts';
import { acquireLock } from './lock.ts';
import { runMigrations } from './migrations.ts';
import { StoreError } from './store-error.ts';
import { orderOf } from './views.ts';

const CLOSED: ReadonlySet<string> = new Set(ORDER_STATUSES.filter((status) => isClosed(status)));

export type Durability = 'process' | 'fsync';

export const DURABILITY_MODES: readonly Durability[] = ['process', 'fsync'];

export interface StoreOptions {
  /** `process` (default) survives the process being killed; `fsync` also survives power loss. */
  durability?: Durability;
  /** Open to read (inspect): no lock, no migration, nothing written. */
  readOnly?: boolean;
}

type Dbs = { -readonly [K in keyof typeof DB]: Database };

/** The LMDB environment lives in `<dataDir>/store`, beside the node's log. */
export function storePathOf(dataDir: string): string {
  return join(resolve(dataDir), 'store');
}

function checkDirectory(dataDir: string, storePath: string, readOnly: boolean): 'fresh' | 'existing' {
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) {
    throw new StoreError(storePath, `data directory ${dataDir} is not a directory`);
  }
  if (!existsSync(storePath)) {
    if (readOnly) throw new StoreError(storePath, `no Foxtrot store in ${dataDir}`);
    return 'fresh';
  }
  if (!statSync(storePath).isDirectory()) throw new StoreError(storePath, 'is not a directory');
  const entries = readdirSync(storePath).filter((name) => name !== 'foxtrot.lock');
  if (entries.length === 0) {
    if (readOnly) throw new StoreError(storePath, 'is empty: not a Foxtrot store');
    return 'fresh';
  }
  if (!entries.includes('data.mdb')) {
    throw new StoreError(storePath, `is not a Foxtrot store (it holds ${entries.slice(0, 3).join(', ')})`);
  }
  return 'existing';
}

function checkWritable(path: string, storePath: string): void {
  try {
    accessSync(path, constants.W_OK);
  } catch {
    throw new StoreError(storePath, `${path} is read-only`);
  }
}

function openDbs(root: RootDatabase): Dbs {
  const dbs = {} as Dbs;
  for (const [key, name] of Object.entries(DB) as Array<[keyof typeof DB, string]>) {
    const plain = key === 'meta' || key === 'streams';
    dbs[key] = root.openDB({ name, ...(plain ? {} : { encoding: 'binary' }) });
  }
  return dbs;
}

/**
 * The node's LMDB environment. The node's main thread opens it (lock, schema check, migrations); each actor's
 * worker attaches to it to commit its state and journal in its own thread (see worker-store).
 */
export class FoxtrotStore {
  private released = false;
  /** The migrations run when this store was opened, as `from -> to: what`. */
  migrated: string[] = [];
  /**
   * What this opener wrote, so that appending need not read it back: each stream has one writer (its actor), and
   * an actor in a worker opens the store anew in each incarnation. Notes taken in a transaction count once it
   * commits.
   */
  private readonly heads = new Map<string, number>();
  private readonly statuses = new Map<string, string>();
  private pendingHeads = new Map<string, number>();
  private pendingStatuses = new Map<string, string>();

  private constructor(
    readonly path: string,
    readonly root: RootDatabase,
    readonly dbs: Dbs,
    readonly durability: Durability,
    private readonly unlock: () => void,
  ) {}

  static open(dataDir: string, options: StoreOptions = {}): FoxtrotStore {
    const storePath = storePathOf(dataDir);
    const readOnly = options.readOnly ?? false;
    const durability = options.durability ?? 'process';
    const state = checkDirectory(resolve(dataDir), storePath, readOnly);
    if (!readOnly) {
      if (state === 'existing') {
        checkWritable(storePath, storePath);
        checkWritable(join(storePath, 'data.mdb'), storePath);
      } else if (existsSync(dataDir)) checkWritable(resolve(dataDir), storePath);
      try {
        mkdirSync(storePath, { recursive: true });
      } catch (error) {
        throw new StoreError(storePath, `cannot be created: ${(error as Error).message}`);
      }
    }
    const unlock = readOnly ? () => undefined : acquireLock(storePath);
    let root: RootDatabase | undefined;
    try {
      root = open({ path: storePath, maxDbs: 16, readOnly, noSync: durability === 'process' });
      const dbs = openDbs(root);
      const version = dbs.meta.get('schemaVersion') as number | undefined;
      // A node killed while it created its store leaves an environment with nothing in it: that is a fresh store.
      const names = new Set<unknown>(Object.values(DB));
      const empty =
        Object.values(dbs).every((db) => db.getCount() === 0) &&
        [...root.getKeys()].every((key) => names.has(key));
      if (state === 'existing' && version === undefined && !empty) {
        throw new StoreError(storePath, 'is an LMDB environment but not a Foxtrot store (no schema version)');
      }
      if (version !== undefined && version > SCHEMA_VERSION) {
        throw new StoreError(
          storePath,
          `has schema version ${version}, newer than this Foxtrot reads (${SCHEMA_VERSION}); upgrade Foxtrot`,
          { version },
        );
      }
      const store = new FoxtrotStore(storePath, root, dbs, durability, unlock);
      if (!readOnly) {
        if (version === undefined) store.initialise();
        else if (version < SCHEMA_VERSION) store.migrated = runMigrations(store, version);
        store.bumpIncarnation();
      }
      return store;
    } catch (error) {
      root?.close();
      unlock();
      throw error;
    }
  }

  /** Opens the environment the main thread already checked, from an actor's worker. */
  static attach(storePath: string, durability: Durability): FoxtrotStore {
    const root = open({ path: storePath, maxDbs: 16, noSync: durability === 'process' });
    return new FoxtrotStore(storePath, root, openDbs(root), durability, () => undefined);
  }

  get schemaVersion(): number {
    return this.dbs.meta.get('schemaVersion') as number;
  }

  /** How many times a node has started on this store: 1 for a fresh one. */
  get incarnation(): number {
    return (this.dbs.meta.get('incarnation') as number | undefined) ?? 0;
  }

  /** Runs `write` as one synchronous transaction: committed (or not at all) when this returns. */
  write(write: () => void): void {
    try {
      // A block body: an arrow returning a put's promise leaves the transaction uncommitted (design.md).
      this.root.transactionSync(() => {
        write();
      });
      for (const [stream, seq] of this.pendingHeads) this.heads.set(stream, seq);
      for (const [id, status] of this.pendingStatuses) {
        // Closed orders rarely change again (a late fill reads the view): forgetting them bounds the cache.
        if (CLOSED.has(status)) {
          this.statuses.delete(id);
          this.heads.delete(STREAM.order(id));
        } else this.statuses.set(id, status);
      }
    } finally {
      this.pendingHeads.clear();
      this.pendingStatuses.clear();
    }
  }

  /** A stream's last sequence number (0 for a new stream). */
  headOf(stream: string): number {
    const noted = this.pendingHeads.get(stream) ?? this.heads.get(stream);
    if (noted !== undefined) return noted;
    const kept = this.dbs.streams.get(stream) as number | undefined;
    if (kept !== undefined) return kept;
    // Streams not compacted start at 1: most streams looked up here are new ones (an order's first event), and a
    // point lookup says so for less than a reverse cursor.
    if (!this.dbs.journal.doesExist([stream, 1])) return 0;
    for (const key of this.dbs.journal.getKeys({
      start: [stream, Number.MAX_SAFE_INTEGER],
      end: [stream, 0],
      reverse: true,
      limit: 1,
    })) {
      return (key as [string, number])[1];
    }
    return 0;
  }

  noteHead(stream: string, seq: number): void {
    this.pendingHeads.set(stream, seq);
  }

  /** An order's status in the views (undefined for an order not there yet). */
  statusOf(clientOrderId: string): string | undefined {
    const noted = this.pendingStatuses.get(clientOrderId) ?? this.statuses.get(clientOrderId);
    if (noted !== undefined) return noted;
    return orderOf(this, clientOrderId)?.status;
  }

  noteStatus(clientOrderId: string, status: string): void {
    this.pendingStatuses.set(clientOrderId, status);
  }

  setMeta(key: string, value: unknown): void {
    this.write(() => {
      this.dbs.meta.putSync(key, value);
    });
  }

  close(): Promise<void> {
    if (this.released) return Promise.resolve();
    this.released = true;
    this.unlock();
    return this.root.close();
  }

  private initialise(): void {
    this.write(() => {
      this.dbs.meta.putSync('schemaVersion', SCHEMA_VERSION);
      this.dbs.meta.putSync('createdAt', Date.now());
    });
  }

  private bumpIncarnation(): void {
    this.setMeta('incarnation', this.incarnation + 1);
  }
}
