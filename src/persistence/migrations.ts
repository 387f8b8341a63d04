import { SCHEMA_VERSION } from './layout.ts';
import { decodeUnframed, encodeRecord } from './record-codec.ts';
import type { FoxtrotStore } from './store.ts';

interface Migration {
  from: number;
  describe: string;
  run(store: FoxtrotStore): void;
}

/**
 * Version 1 wrote records as bare msgpack and kept no fills-by-time view. Version 2 frames every record with a
 * checksum (see record-codec) and indexes fills by time.
 */
const v1ToV2: Migration = {
  from: 1,
  describe: 'frame records with checksums; index fills by time',
  run({ dbs }) {
    for (const { key, value } of [...dbs.fills.getRange()]) {
      const [clientOrderId, seq] = key as [string, number];
      const fill = decodeUnframed<{ at: number }>(value as Uint8Array);
      dbs.fillsByTime.putSync([fill.at, clientOrderId, seq], encodeRecord(true));
    }
    const framed = [
      dbs.journal,
      dbs.orders,
      dbs.openOrders,
      dbs.ordersByStatus,
      dbs.fills,
      dbs.positions,
      dbs.accounts,
    ];
    for (const db of framed) {
      for (const { key, value } of [...db.getRange()])
        db.putSync(key, encodeRecord(decodeUnframed(value as Uint8Array)));
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
