// The piscina worker entry of a sweep. Workers do not inherit the main thread's tsx loader, and Node 20 cannot load
// a .ts file without it: from a checkout, register tsx in this worker and load the TypeScript task; from dist/, where
// no .ts file is emitted, load the compiled one.
import { existsSync } from 'node:fs';

const source = new URL('./sweep-task.ts', import.meta.url);
let task;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  task = await import(source.href);
} else {
  task = await import(new URL('./sweep-task.js', import.meta.url).href);
}

export default task.default;
