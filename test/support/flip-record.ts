import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { storePathOf } from '../../src/persistence/store.ts';

/**
 * Flips one bit in the middle of a record's bytes where they lie in the store's file (the store must be closed):
 * corruption on disk, as a bad sector or a stray write would leave it. LMDB copies a page on write and leaves the
 * old copy in the file, so the bytes may occur more than once: every copy is damaged, the live one among them.
 */
export function flipStoredRecord(dataDir: string, record: Uint8Array): void {
  const file = join(storePathOf(dataDir), 'data.mdb');
  const bytes = readFileSync(file);
  let found = 0;
  for (let at = bytes.indexOf(record); at !== -1; at = bytes.indexOf(record, at + 1)) {
    const middle = at + Math.floor(record.length / 2);
    bytes[middle] = (bytes[middle] ?? 0) ^ 0x10;
    found += 1;
  }
  if (found === 0) throw new Error('the record does not occur in the store file');
  writeFileSync(file, bytes);
}
