import { formatStoreReport, inspectStore } from '../persistence/inspect.ts';
import { FoxtrotStore } from '../persistence/store.ts';
import type { InspectOptions } from './cli.ts';

/** `foxtrot inspect`: 0 when the store checks out, 1 when its integrity check fails, 2 when it cannot be read. */
export async function inspectCommand(options: InspectOptions): Promise<number> {
  let store: FoxtrotStore;
  try {
    store = FoxtrotStore.open(options.data, { readOnly: true });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  try {
    const report = inspectStore(store);
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatStoreReport(report));
    return report.integrity.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}
