import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bin } from '../support/node-process.ts';
import { tempDir } from '../support/temp-dir.ts';

/** Runs `foxtrot traces` with `args` until `ready` says so from its stderr, or it exits. */
function traces(args: string[]) {
  const child = spawn(process.execPath, [bin, 'traces', ...args]);
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      err += chunk;
      const found = /foxtrot traces: (http:\/\/[^/\s]+)\//.exec(err);
      if (found) resolve(found[1] as string);
    });
    exited.then(() => reject(new Error(`exited: ${err}`)));
  });
  return { child, url, exited, stderr: () => err };
}

describe('foxtrot traces (the command)', () => {
  it('serves the page and the API on loopback, and stops cleanly on SIGINT', async () => {
    const dir = tempDir('traces-cli');
    const viewer = traces(['--data', dir.path, '--port', '0']);
    try {
      const url = await viewer.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Foxtrot traces');
      expect(await (await fetch(`${url}/api/traces`)).json()).toEqual({ traces: [] });
      viewer.child.kill('SIGINT');
      expect(await viewer.exited).toBe(0);
      expect(viewer.stderr()).toContain('stopping (SIGINT)');
    } finally {
      viewer.child.kill('SIGKILL');
      dir.remove();
    }
  }, 30_000);

  it('refuses a bad flag, naming it', async () => {
    const viewer = traces(['--max-traces', 'many']);
    viewer.url.catch(() => undefined);
    expect(await viewer.exited).toBe(2);
    expect(viewer.stderr()).toContain("--max-traces expects a positive integer, got 'many'");
  }, 30_000);
});
