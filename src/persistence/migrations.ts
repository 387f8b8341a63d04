import { type JournalRecord, SCHEMA_VERSION } from './layout.ts';
import { decodeRecord, decodeUnframed, encodeRecord } from './record-codec.ts';
import type { FoxtrotStore } from './store.ts';
import { ViewProjection } from './views.ts';

interface Migration {
  from: number;
  describe: string;
  run(store: FoxtrotStore): void;
}

/** Clears the order and fill views and projects every order stream into them again, as this version keeps them. */
function rebuildOrderViews(store: FoxtrotStore): void {
  const { dbs } = store;
  for (const db of [dbs.orders, dbs.openOrders, dbs.ordersByStatus, dbs.fills, dbs.fillsByTime]) {
    for (const key of [...db.getKeys()]) db.removeSync(key);
  }
  const views = new ViewProjection(store);
  for (const { key, value } of [...dbs.journal.getRange({ start: ['order:'], end: ['order;'] })]) {
    const [stream] = key as [string, number];
    views.add(stream, decodeRecord<JournalRecord>(value as Uint8Array));
  }
  views.apply();
}

/**
 * Version 1 wrote records as bare msgpack and kept no fills-by-time view. Version 2 frames every record with a
 * checksum (see record-codec); its views are rebuilt from the journal.
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
    rebuildOrderViews(store);
  },
};

/**
 * Version 2's orders and fills views held copies of journal records; version 3's point at them (an order's last
 * seq, a fill's key), so that a commit writes each record's bytes once.
 */
const v2ToV3: Migration = {
  from: 2,
  describe: 'point the orders and fills views at journal records instead of copying them',
  run: rebuildOrderViews,
};

const MIGRATIONS: Migration[] = [v1ToV2, v2ToV3];

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
