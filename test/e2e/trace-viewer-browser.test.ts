import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_ASSETS } from '../../src/traces/run-viewer.ts';
import { TraceStore } from '../../src/traces/trace-store.ts';
import { TraceViewer } from '../../src/traces/viewer-server.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { healthy, type Running, startNode, stop, until } from '../support/node-process.ts';
import { tempDir } from '../support/temp-dir.ts';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
const hasBrowser = browserAvailable("the trace viewer's browser test");

/*
 * The trace viewer as a person uses it: a real node exports to it for a few seconds, then headless Chromium opens
 * the page, searches for one of the node's orders, opens its trace and selects the risk engine's span.
 */
describe.skipIf(!hasBrowser)('foxtrot traces in a browser', () => {
  const dir = tempDir('viewer-e2e');
  let store: TraceStore;
  let viewer: TraceViewer;
  let node: Running | undefined;

  beforeAll(async () => {
    execFileSync(process.execPath, [new URL('../../scripts/build-ui.mjs', import.meta.url).pathname], {
      stdio: 'ignore',
    });
    store = new TraceStore(dir.path, { maxTraces: 10_000, maxAgeMs: 3_600_000 });
    viewer = await TraceViewer.start(store, {
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 16 * 1024 * 1024,
      assets: UI_ASSETS,
    });
  }, 60_000);

  afterAll(async () => {
    if (node) {
      await stop(node);
      node.child.kill('SIGKILL');
    }
    await viewer?.close();
    await store?.close();
    dir.remove();
  });

  it('finds an order, opens its trace, and shows the risk engine state before and after', async () => {
    node = await startNode([], undefined, {
      OTEL_EXPORTER_OTLP_ENDPOINT: viewer.url,
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    await healthy(node);
    const { traceId, orderIds } = await until(
      "an order's trace through risk",
      async () =>
        store
          .listTraces({ type: 'submit', actor: 'risk' })
          .find((trace) => trace.orderIds.length === 1 && trace.actors.includes('execution')),
      30_000,
    );
    const orderId = orderIds[0] as string;
    await stop(node);
    node = undefined;

    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`${viewer.url}/`);
      await page.fill('[data-testid="search"]', orderId);
      await page.press('[data-testid="search"]', 'Enter');
      // Every trace that mentions the order is listed (its submission, and a cancel or modify if it had one).
      const row = page.locator(`[data-testid="trace-row"][data-trace-id="${traceId}"]`);
      await row.waitFor({ timeout: 15_000 });
      await row.click();
      const riskSpan = page.locator(
        '[data-testid="span"][data-actor="risk"][data-message-type="submit"][data-kind="CONSUMER"]',
      );
      await riskSpan.first().waitFor({ timeout: 15_000 });
      expect(await page.locator('[data-testid="lane"]').count()).toBeGreaterThanOrEqual(4);
      await riskSpan.first().click();
      const detail = page.locator('[data-testid="span-detail"]');
      await detail.waitFor();
      expect((await detail.locator('[data-testid="state-before"]').textContent())?.trim()).toBe('ACTIVE');
      expect((await detail.locator('[data-testid="state-after"]').textContent())?.trim()).toBe('ACTIVE');
      expect(await detail.textContent()).toContain(orderId);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: new URL('trace-viewer.png', ARTIFACTS).pathname, fullPage: true });

      await page.goto(`${viewer.url}/#/actor/risk`);
      await page.locator('[data-testid="actor-view"]').waitFor({ timeout: 10_000 });
      await expect
        .poll(() => page.locator('[data-testid="actor-state"]').count(), { timeout: 10_000 })
        .toBeGreaterThan(0);
      await page.screenshot({ path: new URL('trace-viewer-actor.png', ARTIFACTS).pathname, fullPage: true });
    } finally {
      await browser.close();
    }
  }, 120_000);
});
