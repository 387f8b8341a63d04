import { type ChildProcess, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const tsx = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;
const main = new URL('../../src/node/main.ts', import.meta.url).pathname;

function run(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; out: string; err: string }>;
} {
  const child = spawn(tsx, [main, ...args], { env: { ...process.env, FOXTROT_LOG_LEVEL: 'error' } });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    err += chunk;
  });
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, out, err })),
  );
  return { child, done };
}

describe('npm start (the node entry)', () => {
  it('runs on embedded defaults, prints status lines, and stops cleanly on SIGINT', async () => {
    const { child, done } = run([]);
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
    });
    const deadline = Date.now() + 20_000;
    while (!/beats [1-9]/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    const result = await done;
    expect(result.out).toMatch(/up \d+s \| beats [1-9]\d* \| restarts 0/);
    expect(result.out).toContain('stopping (SIGINT)');
    expect(result.out).toContain('stopped cleanly');
    expect(result.code).toBe(0);
  });

  it('restarts a crashing actor and keeps running', async () => {
    const result = await run(['--duration', '4', '--crash-every', '1']).done;
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/restarts [1-9]/);
  });

  it('refuses a bad flag with a specific error and the usage', async () => {
    const result = await run(['--duration', 'soon']).done;
    expect(result.code).toBe(2);
    expect(result.err).toContain("--duration: expected a positive number, got 'soon'");
    expect(result.err).toContain('Usage: npm start');
    const unknown = await run(['--warp-speed']).done;
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/Unknown option '--warp-speed'/);
  });
});
