import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RESULT_FILES } from '../../src/backtest/write-results.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { bin } from '../support/node-process.ts';
import { tempDir } from '../support/temp-dir.ts';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
const hasBrowser = browserAvailable('the backtest command’s report test');

function backtest(...args: string[]) {
  return spawnSync(process.execPath, [bin, 'backtest', ...args], { encoding: 'utf8', timeout: 120_000 });
}

describe('foxtrot backtest', () => {
  const dir = tempDir('backtest-cli');
  afterAll(() => dir.remove());

  it('backtests the shipped sample into --out, with progress on stderr and a summary on stdout', async () => {
    const out = join(dir.path, 'out');
    const run = backtest(
      '--data',
      'samples/ETHUSDT.SIM-trades.jsonl',
      '--strategy',
      'ma-crossover',
      '--params',
      '{"fast":3,"slow":8}',
      '--to',
      '2026-01-05T00:30:00Z',
      '--out',
      out,
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /backtest \[.*\] 100% \| \d+ events \| 2026-01-05T00:29:\d\d\.\d+Z \| \d+ events\/s/,
    );
    expect(run.stdout).toMatch(/^\d+ events from 2026-01-05T00:00:00.000Z to 2026-01-05T00:29/);
    expect(run.stdout).toMatch(/sharpe -?\d/);
    for (const name of Object.values(RESULT_FILES).filter((file) => !file.startsWith('sweep'))) {
      expect(existsSync(join(out, name)), name).toBe(true);
    }
    const statistics = JSON.parse(readFileSync(join(out, RESULT_FILES.statistics), 'utf8'));
    expect(statistics.parameters).toMatchObject({ fast: 3, slow: 8, instrumentId: 'ETHUSDT.SIM' });
    const fills = readFileSync(join(out, RESULT_FILES.fills), 'utf8').trim().split('\n');
    expect(fills.length).toBeGreaterThan(5);
    expect(statistics.statistics.turnover).not.toBe('0');

    if (!hasBrowser) return;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(pathToFileURL(join(out, RESULT_FILES.report)).href);
      await page.waitForSelector('html[data-charts]', { timeout: 15_000 });
      expect(errors).toEqual([]);
      expect(await page.locator('[data-chart] canvas').count()).toBeGreaterThanOrEqual(3);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: new URL('backtest-cli-report.png', ARTIFACTS).pathname, fullPage: true });
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('names the builtins for an unknown strategy, and says what is wrong with a sweep or a flag', () => {
    const unknown = backtest('--data', 'samples/ETHUSDT.SIM-trades.jsonl', '--strategy', 'nope');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown strategy 'nope': builtins are .*ma-crossover/);
    const sweep = backtest(
      '--data',
      'samples/ETHUSDT.SIM-trades.jsonl',
      '--strategy',
      'ma-crossover',
      '--sweep',
      'fast=5..x',
    );
    expect(sweep.status).toBe(2);
    expect(sweep.stderr).toMatch(/fast=5\.\.x/);
    const params = backtest('--data', 'x.csv', '--strategy', 'ma-crossover', '--params', '[1]');
    expect(params.status).toBe(2);
    expect(params.stderr).toMatch(/--params must be a JSON object/);
    const from = backtest('--data', 'x.csv', '--strategy', 'ma-crossover', '--from', 'yesterday');
    expect(from.status).toBe(2);
    expect(from.stderr).toMatch(/--from expects an ISO 8601 time/);
  }, 60_000);
});
