import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CHART_SCRIPT, MAX_CHART_POINTS, REPORT_COLORS } from '../../src/backtest/report-charts.ts';
import {
  formatDecimal,
  formatDuration,
  formatNumber,
  formatPercent,
  type ReportInput,
  renderReport,
} from '../../src/backtest/report-html.ts';
import type { ClosedTrade, EquityPoint, FillRecord, PricePoint } from '../../src/backtest/results.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { tempDir } from '../support/temp-dir.ts';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
const hasBrowser = browserAvailable("the backtest report's browser test");

const START = Date.UTC(2024, 0, 1);
const MINUTE = 60_000;
/** Text that would end the data's `<script>` element if it were not escaped. */
const HOSTILE = '</script><script>window.__pwned = 1</script><!--';

function pricePath(instrumentId: string, count: number, base: number, amplitude: number): PricePoint[] {
  return Array.from({ length: count }, (_, i) => ({
    time: START + i * MINUTE,
    instrumentId,
    price: base + amplitude * Math.sin(i / 25) + (amplitude / 4) * Math.sin(i / 3.7) + i * (base / 40_000),
  }));
}

function priceAt(prices: readonly PricePoint[], index: number): string {
  return (prices[index] as PricePoint).price.toFixed(2);
}

/** A few hundred prices on three instruments (one without fills), a dozen fills, trades both ways, an equity curve. */
function syntheticInput(overrides: Partial<ReportInput> = {}): ReportInput {
  const btc = pricePath('BTCUSDT.SIM', 400, 42_000, 600);
  const eth = pricePath('ETHUSDT.SIM', 300, 2_300, 40);
  const sol = pricePath('SOLUSDT.SIM', 250, 95, 3);
  const fills: FillRecord[] = [];
  const trades: ClosedTrade[] = [];
  const roundTrip = (prices: PricePoint[], entry: number, exit: number, quantity: string, short = false) => {
    const instrumentId = (prices[0] as PricePoint).instrumentId;
    const entryPrice = priceAt(prices, entry);
    const exitPrice = priceAt(prices, exit);
    const n = fills.length;
    fills.push(
      {
        time: START + entry * MINUTE,
        clientOrderId: `o-${n + 1}`,
        instrumentId,
        side: short ? 'SELL' : 'BUY',
        quantity,
        price: entryPrice,
        fee: '1.25',
      },
      {
        time: START + exit * MINUTE,
        clientOrderId: `o-${n + 2}`,
        instrumentId,
        side: short ? 'BUY' : 'SELL',
        quantity,
        price: exitPrice,
        fee: '1.25',
      },
    );
    const move = (Number(exitPrice) - Number(entryPrice)) * Number(quantity) * (short ? -1 : 1);
    trades.push({
      instrumentId,
      direction: short ? 'SHORT' : 'LONG',
      entryTime: START + entry * MINUTE,
      exitTime: START + exit * MINUTE,
      quantity,
      entryPrice,
      exitPrice,
      pnl: (move - 2.5).toFixed(2),
      fees: '2.5',
    });
  };
  roundTrip(btc, 10, 60, '0.5');
  roundTrip(btc, 90, 130, '0.5', true);
  roundTrip(btc, 160, 210, '0.25');
  roundTrip(btc, 250, 330, '0.5', true);
  roundTrip(btc, 340, 390, '0.5');
  roundTrip(eth, 20, 120, '3');
  roundTrip(eth, 150, 200, '3', true);
  // A trade whose instrument id would break out of the JSON data if `<` were not escaped.
  trades.push({ ...(trades[0] as ClosedTrade), instrumentId: HOSTILE, exitTime: START + 399 * MINUTE });
  const equity: EquityPoint[] = btc.map((point, i) => ({
    time: point.time,
    equity: 100_000 + 900 * Math.sin(i / 40) - 400 * Math.sin(i / 11) + i * 4,
  }));
  return {
    title: 'ma-crossover on BTCUSDT.SIM',
    parameters: {
      slow: 30,
      fast: 10,
      quantity: '0.5',
      instrumentId: 'BTCUSDT.SIM',
      note: HOSTILE,
      nested: { b: 2, a: 1 },
    },
    statistics: {
      startEquity: 100_000,
      endEquity: 101_234.56,
      totalReturn: 0.0123456,
      annualizedReturn: 3.4567,
      volatility: 0.1834,
      sharpe: 1.8734,
      sortino: 2.4412,
      maxDrawdown: 0.0187,
      maxDrawdownDurationMs: 3 * 3_600_000 + 25 * MINUTE,
      trades: trades.length,
      winRate: 0.5,
      profitFactor: Number.POSITIVE_INFINITY,
      fees: '17.500000',
      turnover: '123456.78900000',
    },
    equity,
    prices: [...btc, ...eth, ...sol],
    fills,
    trades,
    ...overrides,
  };
}

/** The `data-chart` values of the page's chart containers, in page order. */
function chartKinds(html: string): string[] {
  return [...html.matchAll(/<div class="chart" data-chart="([^"]+)"/g)].map((match) => match[1] as string);
}

/** The text of the report's JSON data element. */
function dataText(html: string): string {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (!match) throw new Error('no report data in the page');
  return match[1] as string;
}

describe('the backtest report as HTML', () => {
  const input = syntheticInput();
  const html = renderReport(input);

  it('renders the same bytes for the same input', () => {
    expect(renderReport(syntheticInput())).toBe(html);
    // Key order of the parameters does not matter either: they are shown sorted.
    const reordered = syntheticInput({
      parameters: Object.fromEntries(Object.entries(input.parameters).reverse()),
    });
    expect(renderReport(reordered)).toBe(html);
  });

  it('has a page script that parses (it is text, so the compiler does not check it)', () => {
    expect(() => new Function(CHART_SCRIPT)).not.toThrow();
  });

  it('loads nothing from elsewhere', () => {
    const references = [...html.matchAll(/\b(?:src|href)\s*=\s*["']?([^"'\s>]+)/gi)].map((match) => match[1]);
    expect(references.filter((url) => /^(?:https?:)?\/\//i.test(url ?? ''))).toEqual([]);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).toContain("default-src 'none'");
  });

  it('keeps the data inside its script element', () => {
    const text = dataText(html);
    expect(text).not.toMatch(/<\/script/i);
    expect(text).not.toContain('<');
    const data = JSON.parse(text) as { trades: { label: string[] } };
    expect(data.trades.label.some((label) => label.startsWith(HOSTILE))).toBe(true);
    // The title and parameters are escaped in the page itself.
    expect(html).not.toContain('window.__pwned = 1</script>');
  });

  it('shows the header, parameters and statistics', () => {
    expect(html).toContain('<h1>ma-crossover on BTCUSDT.SIM</h1>');
    expect(html).toContain('2024-01-01 00:00:00 UTC → 2024-01-01 06:39:00 UTC (6h 39m)');
    expect(html).toContain('<th scope="row">fast</th><td>10</td>');
    expect(html).toContain('<th scope="row">nested</th><td>{&quot;a&quot;:1,&quot;b&quot;:2}</td>');
    expect(html.indexOf('>fast<')).toBeLessThan(html.indexOf('>slow<'));
    for (const text of [
      '1.23%',
      '345.67%',
      '18.34%',
      '1.87',
      '2.44',
      '3h 25m',
      '50.0%',
      '∞',
      '17.5',
      '123,456.789',
    ]) {
      expect(html).toContain(`>${text}</td>`);
    }
    expect(chartKinds(html)).toEqual(['equity', 'drawdown', 'price', 'price', 'price', 'trade-pnl']);
    expect(html).toContain('No trades on SOLUSDT.SIM.');
  });

  it('formats numbers readably', () => {
    expect(formatNumber(1234567.891)).toBe('1,234,567.89');
    expect(formatNumber(-0.001)).toBe('0.00');
    expect(formatNumber(-1234.5, 1)).toBe('-1,234.5');
    expect(formatNumber(Number.NaN)).toBe('–');
    expect(formatPercent(0.1234)).toBe('12.34%');
    expect(formatDecimal('0012345.67800')).toBe('12,345.678');
    expect(formatDecimal('-0.000')).toBe('0');
    expect(formatDuration(0)).toBe('0');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(2 * 86_400_000 + 3 * 3_600_000 + 59_000)).toBe('2d 3h');
    expect(formatDuration(86_400_000 + 5 * MINUTE)).toBe('1d');
  });

  it('shows notes instead of empty charts when nothing traded', () => {
    const quiet = renderReport(syntheticInput({ fills: [], trades: [] }));
    expect(chartKinds(quiet)).toEqual(['equity', 'drawdown', 'price', 'price', 'price']);
    expect(quiet).toContain('data-empty="trade-pnl"');
    expect(quiet.match(/data-empty="fills"/g)).toHaveLength(3);
    const empty = renderReport(syntheticInput({ equity: [], prices: [], fills: [], trades: [] }));
    expect(chartKinds(empty)).toEqual([]);
    expect(empty).toContain('No equity data.');
    expect(empty).toContain('No price data.');
  });

  it('downsamples long series and keeps their extremes and every fill', () => {
    const prices = pricePath('BTCUSDT.SIM', 50_000, 42_000, 600);
    (prices[31_337] as PricePoint).price = 99_999;
    const equity = prices.map((point, i) => ({
      time: point.time,
      equity: 100_000 + Math.sin(i / 500) * 1000,
    }));
    (equity[12_345] as EquityPoint).equity = 50_000;
    const big = syntheticInput({ prices, equity });
    const data = JSON.parse(dataText(renderReport(big))) as {
      equity: { t: number[]; equity: number[]; drawdown: number[] };
      prices: {
        instrumentId: string;
        t: number[];
        price: (number | null)[];
        buy: unknown[];
        sell: unknown[];
      }[];
    };
    expect(data.equity.t.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
    expect(Math.min(...data.equity.equity)).toBe(50_000);
    expect(Math.min(...data.equity.drawdown)).toBeCloseTo(-50, 0);
    const btc = data.prices.find((chart) => chart.instrumentId === 'BTCUSDT.SIM');
    expect(btc?.price.filter((price) => price !== null).length).toBeLessThanOrEqual(MAX_CHART_POINTS);
    expect(Math.max(...((btc?.price ?? []).filter((price) => price !== null) as number[]))).toBe(99_999);
    expect(btc?.buy.filter((price) => price !== null).length).toBe(5);
    expect(btc?.sell.filter((price) => price !== null).length).toBe(5);
    expect(btc?.t).toEqual([...(btc?.t ?? [])].sort((a, b) => a - b));
  });
});

/*
 * The few browser globals the functions run in the page use: the project compiles without the DOM library, and
 * these declarations stay local to this module.
 */
interface PageCanvas {
  width: number;
  height: number;
  clientWidth: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray };
  } | null;
  toDataURL(): string;
}
interface PageElement {
  getAttribute(name: string): string | null;
  querySelector(selector: string): unknown;
}
declare const document: {
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  querySelector(selector: string): PageElement | null;
};
declare const window: { scrollTo(x: number, y: number): void; __pwned?: number };

const hexToRgb = (hex: string): [number, number, number] => [
  Number.parseInt(hex.slice(1, 3), 16),
  Number.parseInt(hex.slice(3, 5), 16),
  Number.parseInt(hex.slice(5, 7), 16),
];

interface CanvasCheck {
  kind: string;
  instrument: string | null;
  width: number;
  height: number;
  painted: number;
  hasOverlay: boolean;
  found: boolean[];
}

describe.skipIf(!hasBrowser)('the backtest report in a browser', () => {
  const dir = tempDir('backtest-report');
  afterAll(() => dir.remove());

  it('draws every chart, offline and without errors', async () => {
    const file = join(dir.path, 'report.html');
    writeFileSync(file, renderReport(syntheticInput()));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('html[data-charts]', { timeout: 15_000 }).catch((error: Error) => {
        throw new Error(`the charts were not drawn (${error.message}); page errors: ${errors.join('; ')}`);
      });

      const wanted = [REPORT_COLORS.buy, REPORT_COLORS.sell, REPORT_COLORS.win, REPORT_COLORS.loss].map(
        hexToRgb,
      );
      // Plain loops only: this function runs in the page, as its source text.
      const checks = await page.evaluate((colors): CanvasCheck[] => {
        const out: CanvasCheck[] = [];
        for (const element of Array.from(document.querySelectorAll('[data-chart]'))) {
          const canvas = element.querySelector('canvas') as PageCanvas | null;
          const check: CanvasCheck = {
            kind: element.getAttribute('data-chart') ?? '',
            instrument: element.getAttribute('data-instrument'),
            width: canvas ? canvas.width : 0,
            height: canvas ? canvas.height : 0,
            painted: 0,
            hasOverlay: element.querySelector('.u-over') !== null,
            found: colors.map(() => false),
          };
          const context = canvas?.getContext('2d');
          if (canvas && context && canvas.width > 0 && canvas.height > 0) {
            const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 0; i < pixels.length; i += 4) {
              if ((pixels[i + 3] ?? 0) === 0) continue;
              check.painted += 1;
              if (pixels[i + 3] !== 255) continue;
              for (let c = 0; c < colors.length; c += 1) {
                const color = colors[c] as number[];
                if (
                  Math.abs((pixels[i] ?? 0) - (color[0] ?? 0)) <= 6 &&
                  Math.abs((pixels[i + 1] ?? 0) - (color[1] ?? 0)) <= 6 &&
                  Math.abs((pixels[i + 2] ?? 0) - (color[2] ?? 0)) <= 6
                ) {
                  check.found[c] = true;
                }
              }
            }
          }
          out.push(check);
        }
        return out;
      }, wanted);

      expect(checks.map((check) => check.kind)).toEqual([
        'equity',
        'drawdown',
        'price',
        'price',
        'price',
        'trade-pnl',
      ]);
      for (const check of checks) {
        expect(check.width, check.kind).toBeGreaterThan(0);
        expect(check.height, check.kind).toBeGreaterThan(0);
        expect(check.hasOverlay, check.kind).toBe(true);
        // Axes and grid alone paint a few thousand pixels; a drawn series many more.
        expect(check.painted, check.kind).toBeGreaterThan(5_000);
      }
      // found[] follows `wanted`: buy, sell, win, loss.
      const byInstrument = (id: string) => checks.find((check) => check.instrument === id) as CanvasCheck;
      expect(byInstrument('BTCUSDT.SIM').found.slice(0, 2)).toEqual([true, true]);
      expect(byInstrument('ETHUSDT.SIM').found.slice(0, 2)).toEqual([true, true]);
      expect(byInstrument('SOLUSDT.SIM').found.slice(0, 2)).toEqual([false, false]);
      const pnl = checks.find((check) => check.kind === 'trade-pnl') as CanvasCheck;
      expect(pnl.found.slice(2)).toEqual([true, true]);

      expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
      expect(errors).toEqual([]);
      expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);

      // Hovering fills the legends; dragging zooms (and the other time charts follow); double-click resets.
      for (const kind of ['equity', 'price', 'trade-pnl']) {
        const overlay = page.locator(`[data-chart="${kind}"] .u-over`).first();
        await overlay.scrollIntoViewIfNeeded();
        const box = await overlay.boundingBox();
        if (!box) throw new Error(`no ${kind} chart overlay`);
        await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
        await page.mouse.move(box.x + box.width * 0.35, box.y + box.height / 2);
        const legend = await page.locator(`[data-chart="${kind}"] .u-legend`).first().textContent();
        expect(legend, kind).toMatch(
          kind === 'trade-pnl' ? /#\d+ \S+ (LONG|SHORT)/ : /2024-01-01 \d\d:\d\d:\d\d UTC/,
        );
      }
      const priceImage = () =>
        page.evaluate(() =>
          (document.querySelector('[data-chart="price"] canvas') as PageCanvas | null)?.toDataURL(),
        );
      await page.mouse.move(0, 0);
      const unzoomed = await priceImage();
      const equityOverlay = page.locator('[data-chart="equity"] .u-over');
      await equityOverlay.scrollIntoViewIfNeeded();
      const box = await equityOverlay.boundingBox();
      if (!box) throw new Error('no equity chart overlay');
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
      await page.mouse.up();
      await page.mouse.move(0, 0);
      await expect.poll(priceImage).not.toBe(unzoomed);
      await page.mouse.dblclick(box.x + box.width * 0.5, box.y + box.height / 2);
      await page.mouse.move(0, 0);
      await expect.poll(priceImage).toBe(unzoomed);
      await page.evaluate(() => window.scrollTo(0, 0));

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: new URL('backtest-report.png', ARTIFACTS).pathname, fullPage: true });

      // The charts follow the page's width.
      const before = await page.evaluate(
        () => (document.querySelector('[data-chart="equity"] canvas') as PageCanvas | null)?.clientWidth,
      );
      await page.setViewportSize({ width: 800, height: 900 });
      await expect
        .poll(() =>
          page.evaluate(
            () => (document.querySelector('[data-chart="equity"] canvas') as PageCanvas | null)?.clientWidth,
          ),
        )
        .toBeLessThan((before ?? 0) - 300);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
