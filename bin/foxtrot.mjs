#!/usr/bin/env node
// The `foxtrot` command: from TypeScript sources in a checkout (through tsx), from dist/ in an installed package.
import { existsSync } from 'node:fs';

const source = new URL('../src/node/main.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(new URL('../dist/src/node/main.js', import.meta.url).href);
}
