/*
 * The backtest report: one self-contained HTML page (uPlot, its stylesheet, the data and the page's script all
 * inline; no network at all, which the page's Content-Security-Policy enforces). The same input always gives the
 * same bytes: nothing here reads the clock, a random source or the locale.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  CHART_SCRIPT,
  type ChartData,
  chartData,
  type PriceChartData,
  REPORT_COLORS,
} from './report-charts.ts';
import type { BacktestStatistics, ClosedTrade, EquityPoint, FillRecord, PricePoint } from './results.ts';

export interface ReportInput {
  /** E.g. "ma-crossover on BTCUSDT.SIM". */
  title: string;
  /** The strategy's parameters, shown in a table (keys sorted). */
  parameters: Record<string, unknown>;
  statistics: BacktestStatistics;
  equity: readonly EquityPoint[];
  /** May hold several instruments: one price chart each. */
  prices: readonly PricePoint[];
  fills: readonly FillRecord[];
  trades: readonly ClosedTrade[];
}

let uplotAssets: { js: string; css: string } | undefined;

/** uPlot's browser build and stylesheet, read once from node_modules. */
function uplot(): { js: string; css: string } {
  if (!uplotAssets) {
    const require = createRequire(import.meta.url);
    uplotAssets = {
      js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    };
  }
  return uplotAssets;
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting (deterministic: no Intl, no locale)

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Inline script text that cannot end its `<script>` element early. */
function scriptText(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1');
}

/**
 * A self-contained report page (the backtest's, the bench's) up to its `<body>`: uPlot's stylesheet and the page's
 * own, inlined. Nothing may be fetched: a report must open offline, exactly as written.
 */
export function pageHead(title: string, css: string): string[] {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${uplot().css.replace(/<\/(style)/gi, '<\\/$1')}</style>`,
    `<style>${css}</style>`,
    '</head>',
  ];
}

/** The end of a report page: its footer, its data as JSON in the element `dataId`, uPlot and the page's script. */
export function pageEnd(footer: string, dataId: string, data: unknown, script: string): string[] {
  return [
    `<footer>${footer}</footer>`,
    `<script type="application/json" id="${dataId}">${jsonForScript(data)}</script>`,
    `<script>${scriptText(uplot().js)}</script>`,
    `<script>${scriptText(script)}</script>`,
    '</body>',
    '</html>',
    '',
  ];
}

/** JSON for a `<script type="application/json">`: `<` is escaped, so the data can never close the tag. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function groupDigits(integer: string): string {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `1234567.891` → `1,234,567.89`; infinities as ∞, NaN as –. */
export function formatNumber(value: number, decimals = 2): string {
  if (Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  let text = value.toFixed(decimals);
  if (/^-0(\.0*)?$/.test(text)) text = text.slice(1);
  const negative = text.startsWith('-');
  const [integer = '', fraction] = (negative ? text.slice(1) : text).split('.');
  return `${negative ? '-' : ''}${groupDigits(integer)}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** A fraction as a percentage: 0.1234 → `12.34%`. */
export function formatPercent(fraction: number, decimals = 2): string {
  const text = formatNumber(fraction * 100, decimals);
  return text === '–' ? text : `${text}%`;
}

/** Exact decimal text made readable: digits grouped, trailing zeros of the fraction dropped. */
export function formatDecimal(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return text;
  const [, sign = '', integer = '', fraction = ''] = match;
  const kept = fraction.replace(/0+$/, '');
  const zero = /^0*$/.test(integer) && kept === '';
  return `${zero ? '' : sign}${groupDigits(integer.replace(/^0+(?=\d)/, ''))}${kept ? `.${kept}` : ''}`;
}

/** A duration in its two largest units: `3d 4h`, `12m 5s`, `850 ms`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms <= 0) return '0';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [name, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || parts.length > 0) parts.push(`${count}${name}`);
  }
  return parts
    .slice(0, 2)
    .filter((part) => !/^0[a-z]$/.test(part))
    .join(' ');
}

/** `2024-01-02 03:04:05 UTC` (milliseconds shown only when there are some). */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return `${new Date(ms).toISOString().replace('T', ' ').replace('.000Z', 'Z').replace('Z', '')} UTC`;
}

/** JSON with object keys sorted, so the same value always prints the same. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return item.toString();
    if (item && typeof item === 'object' && !Array.isArray(item)) {
      const record = item as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(record)
          .sort()
          .map((key) => [key, record[key]]),
      );
    }
    return item;
  });
}

function formatParameter(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : formatNumber(value);
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === undefined) return 'undefined';
  return stableJson(value) ?? String(value);
}

const signClass = (value: number): string => (value > 0 ? 'pos' : value < 0 ? 'neg' : '');

// ---------------------------------------------------------------------------------------------------------------
// Sections

/** The equity curve's first and last time, else those of the prices and fills (a loop: spreading a million
 * numbers into Math.min would overflow the stack). */
function timeSpan(input: ReportInput): { from: number; to: number } | undefined {
  const sources: readonly (readonly { time: number }[])[] =
    input.equity.length > 0 ? [input.equity] : [input.prices, input.fills];
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const items of sources) {
    for (const { time } of items) {
      if (!Number.isFinite(time)) continue;
      if (time < from) from = time;
      if (time > to) to = time;
    }
  }
  return from <= to ? { from, to } : undefined;
}

function spanText(input: ReportInput): string {
  const span = timeSpan(input);
  if (!span) return 'No data';
  return `${formatTime(span.from)} → ${formatTime(span.to)} (${formatDuration(span.to - span.from)})`;
}

function parametersTable(parameters: Record<string, unknown>): string {
  const keys = Object.keys(parameters).sort();
  if (keys.length === 0) return '<p class="note">No parameters.</p>';
  const rows = keys
    .map(
      (key) =>
        `<tr><th scope="row">${escapeHtml(key)}</th><td>${escapeHtml(formatParameter(parameters[key]))}</td></tr>`,
    )
    .join('\n');
  return `<table class="kv params">\n<tbody>\n${rows}\n</tbody>\n</table>`;
}

interface Stat {
  label: string;
  value: string;
  className?: string;
}

function statsGroup(title: string, stats: Stat[]): string {
  const rows = stats
    .map(
      (stat) =>
        `<tr><th scope="row">${escapeHtml(stat.label)}</th>` +
        `<td${stat.className ? ` class="${stat.className}"` : ''}>${escapeHtml(stat.value)}</td></tr>`,
    )
    .join('\n');
  return `<table class="kv stats">\n<caption>${escapeHtml(title)}</caption>\n<tbody>\n${rows}\n</tbody>\n</table>`;
}

function statisticsSection(input: ReportInput): string {
  const s = input.statistics;
  const groups = [
    statsGroup('Returns', [
      { label: 'Start equity', value: formatNumber(s.startEquity) },
      {
        label: 'End equity',
        value: formatNumber(s.endEquity),
        className: signClass(s.endEquity - s.startEquity),
      },
      { label: 'Total return', value: formatPercent(s.totalReturn), className: signClass(s.totalReturn) },
      {
        label: 'Annualized return',
        value: formatPercent(s.annualizedReturn),
        className: signClass(s.annualizedReturn),
      },
      { label: 'Volatility (annualized)', value: formatPercent(s.volatility) },
    ]),
    statsGroup('Risk', [
      { label: 'Sharpe ratio', value: formatNumber(s.sharpe) },
      { label: 'Sortino ratio', value: formatNumber(s.sortino) },
      {
        label: 'Max drawdown',
        value: formatPercent(s.maxDrawdown),
        className: s.maxDrawdown > 0 ? 'neg' : '',
      },
      { label: 'Max drawdown duration', value: formatDuration(s.maxDrawdownDurationMs) },
    ]),
    statsGroup('Trading', [
      { label: 'Closed trades', value: formatNumber(s.trades, 0) },
      { label: 'Fills', value: formatNumber(input.fills.length, 0) },
      { label: 'Win rate', value: s.trades > 0 ? formatPercent(s.winRate, 1) : '–' },
      { label: 'Profit factor', value: s.trades > 0 ? formatNumber(s.profitFactor) : '–' },
      { label: 'Fees', value: formatDecimal(s.fees) },
      { label: 'Turnover', value: formatDecimal(s.turnover) },
    ]),
  ];
  return `<section class="card">\n<h2>Statistics</h2>\n<div class="stats-grid">\n${groups.join('\n')}\n</div>\n</section>`;
}

const note = (empty: string, text: string): string =>
  `<p class="note" data-empty="${escapeHtml(empty)}">${escapeHtml(text)}</p>`;

function equitySection(data: ChartData): string {
  const body =
    data.equity.t.length === 0
      ? note('equity', 'No equity data.')
      : '<div class="chart" data-chart="equity"></div>\n<h3>Drawdown</h3>\n<div class="chart" data-chart="drawdown"></div>';
  return `<section class="card">\n<h2>Equity</h2>\n${body}\n</section>`;
}

function priceBlock(chart: PriceChartData): string {
  const id = escapeHtml(chart.instrumentId);
  const fills = chart.buys + chart.sells;
  const summary =
    fills === 0
      ? ''
      : ` <span class="muted">${fills} fill${fills === 1 ? '' : 's'}: ${chart.buys} buy, ${chart.sells} sell</span>`;
  const hasPrices = chart.price.some((price) => price !== null);
  const parts = [`<h3>${id}${summary}</h3>`];
  if (fills === 0) parts.push(note('fills', `No trades on ${chart.instrumentId}.`));
  if (hasPrices || fills > 0)
    parts.push(`<div class="chart" data-chart="price" data-instrument="${id}"></div>`);
  return parts.join('\n');
}

function pricesSection(data: ChartData): string {
  const body =
    data.prices.length === 0
      ? note('price', 'No price data.')
      : `<p class="legend-hint"><span class="mark buy">▲</span> buy fill <span class="mark sell">▼</span> sell fill</p>\n${data.prices.map(priceBlock).join('\n')}`;
  return `<section class="card">\n<h2>Prices and fills</h2>\n${body}\n</section>`;
}

function tradesSection(data: ChartData): string {
  const count = data.trades.n.length;
  const wins = data.trades.win.filter((pnl) => pnl !== null).length;
  const heading =
    count === 0
      ? '<h2>PnL per closed trade</h2>'
      : `<h2>PnL per closed trade <span class="muted">${count} trade${count === 1 ? '' : 's'}, ${wins} winning, ${count - wins} losing</span></h2>`;
  const body =
    count === 0 ? note('trade-pnl', 'No trades.') : '<div class="chart" data-chart="trade-pnl"></div>';
  return `<section class="card">\n${heading}\n${body}\n</section>`;
}

const PAGE_CSS = `
:root { color-scheme: light; --fg: #0f172a; --muted: #64748b; --line: #e2e8f0; --bg: #f8fafc; --card: #fff;
  --pos: #15803d; --neg: #b91c1c; }
* { box-sizing: border-box; }
html { overflow-y: scroll; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header, main, footer { max-width: 1400px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 0 0 12px; }
h3 { font-size: 14px; margin: 18px 0 6px; }
.span { color: var(--muted); margin: 0 0 16px; font-variant-numeric: tabular-nums; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px;
  margin: 0 0 20px; }
.muted { color: var(--muted); font-weight: normal; font-size: 13px; margin-left: 6px; }
.note { color: var(--muted); font-style: italic; margin: 6px 0; }
table.kv { border-collapse: collapse; font-variant-numeric: tabular-nums; }
table.kv th { text-align: left; font-weight: normal; color: var(--muted); padding: 3px 18px 3px 0; }
table.kv td { text-align: right; padding: 3px 0; font-weight: 600; }
table.kv tr + tr th, table.kv tr + tr td { border-top: 1px solid var(--line); }
table.params td { text-align: left; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-weight: normal; word-break: break-all; }
table.kv caption { text-align: left; font-weight: 600; padding-bottom: 6px; }
.stats-grid { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 12px 48px; }
.stats-grid table { min-width: 260px; }
td.pos { color: var(--pos); }
td.neg { color: var(--neg); }
.chart { width: 100%; min-height: 40px; }
.legend-hint { color: var(--muted); margin: 0; font-size: 13px; }
.mark.buy { color: ${REPORT_COLORS.buy}; }
.mark.sell { color: ${REPORT_COLORS.sell}; }
footer { color: var(--muted); font-size: 12px; padding-bottom: 24px; }
.uplot { font-family: inherit; }
.u-legend { font-size: 12px; }
`;

/** The report as one HTML document; the same input always gives the same bytes. */
export function renderReport(input: ReportInput): string {
  const data = chartData(input);
  const title = escapeHtml(input.title);
  return [
    ...pageHead(`Backtest: ${input.title}`, PAGE_CSS),
    '<body>',
    '<header>',
    `<h1>${title}</h1>`,
    `<p class="span">${escapeHtml(spanText(input))}</p>`,
    '<section class="card">',
    '<h2>Parameters</h2>',
    parametersTable(input.parameters),
    '</section>',
    '</header>',
    '<main>',
    statisticsSection(input),
    equitySection(data),
    pricesSection(data),
    tradesSection(data),
    '</main>',
    ...pageEnd(
      'Foxtrot backtest report. Times in UTC. Drag across a chart to zoom, double-click to reset.',
      'report-data',
      data,
      CHART_SCRIPT,
    ),
  ].join('\n');
}
