import { type JournalRecord, SCHEMA_VERSION } from './layout.ts';
import { decodeRecord, decodeUnframed, encodeRecord } from './record-codec.ts';
import type { FoxtrotStore } from './store.ts';
import { project } from './views.ts';

interface Migration {
  from: number;
  describe: string;
  run(store: FoxtrotStore): void;
}

/**
 * Version 1 wrote records as bare msgpack and kept no fills-by-time view; its order views held copies. Version 2
 * frames every record with a checksum (see record-codec), and its order views point into the journal: they are
 * rebuilt from it.
 */
const v1ToV2: Migration = {
  from: 1,
  describe: 'frame records with checksums; rebuild the order and fill views from the journal',
  run(store) {
    const { dbs } = store;
    for (const db of [dbs.journal, dbs.positions, dbs.accounts]) {
      for (const { key, value } of [...db.getRange()]) {
        db.putSync(key, encodeRecord(decodeUnframed(value as Uint8Array)));
      }
    }
    for (const db of [dbs.orders, dbs.openOrders, dbs.ordersByStatus, dbs.fills, dbs.fillsByTime]) {
      for (const key of [...db.getKeys()]) db.removeSync(key);
    }
    for (const { key, value } of [...dbs.journal.getRange({ start: ['order:'], end: ['order;'] })]) {
      const [stream] = key as [string, number];
      project(store, stream, decodeRecord<JournalRecord>(value as Uint8Array), value as Buffer);
    }
  },
};

const MIGRATIONS: Migration[] = [v1ToV2];

/** Brings a store written by older code up to SCHEMA_VERSION in one transaction: every step or none. */
export function runMigrations(store: FoxtrotStore, from: number): string[] {
  const applied: string[] = [];
  store.write(() => {
    for (let version = from; version < SCHEMA_VERSION; version++) {
      const migration = MIGRATIONS.find((candidate) => candidate.from === version);
      if (!migration) throw new Error(`no migration from schema version ${version}`);
      migration.run(store);
      applied.push(`${version} -> ${version + 1}: ${migration.describe}`);
    }
    store.dbs.meta.putSync('schemaVersion', SCHEMA_VERSION);
  });
  return applied;
}
