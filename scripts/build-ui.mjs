// Bundles the trace viewer's browser UI into ui/dist: app.js, app.css and index.html, served as they are.
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ui = join(dirname(fileURLToPath(import.meta.url)), '..', 'ui');
const dist = join(ui, 'dist');

const common = { bundle: true, minify: true, sourcemap: false, target: 'es2022', logLevel: 'warning' };

try {
  await mkdir(dist, { recursive: true });
  await Promise.all([
    build({
      ...common,
      entryPoints: [join(ui, 'src', 'main.tsx')],
      outfile: join(dist, 'app.js'),
      format: 'esm',
      platform: 'browser',
      jsx: 'automatic',
      jsxImportSource: 'preact',
      tsconfig: join(ui, 'tsconfig.json'),
    }),
    build({ ...common, entryPoints: [join(ui, 'src', 'styles.css')], outfile: join(dist, 'app.css') }),
    copyFile(join(ui, 'index.html'), join(dist, 'index.html')),
  ]);
} catch (error) {
  // esbuild has already printed its errors; anything else gets said here.
  if (!Array.isArray(error?.errors)) console.error(error);
  process.exit(1);
}

const sizes = await Promise.all(
  ['app.js', 'app.css', 'index.html'].map(async (name) => {
    const { size } = await stat(join(dist, name));
    return `${name} ${(size / 1024).toFixed(1)} kB`;
  }),
);
console.log(`ui/dist: ${sizes.join(', ')}`);
