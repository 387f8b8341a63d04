/*
 * The bench run as one self-contained HTML page, written beside its JSON: uPlot (the library the backtest
 * report inlines, read from node_modules), its stylesheet, the data and the page's script all inline, and a
 * Content-Security-Policy that forbids fetching anything, so the page opens offline exactly as written.
 *
 * Per benchmark: a bar chart per metric (every variant's median beside the baseline's, the min .. max of the
 * repetitions as a whisker, each repetition as a dot, the ratio to the baseline above it); latency
 * percentiles (p50, p99) share one chart, grouped per variant, on a log scale when they span more than a
 * decade; lines over time the benchmark recorded (the soak's RSS); the figures and the benchmark's targets
 * with PASS/FAIL. At the top: the machine, Node, the git commit and every target. With `--compare`, the
 * change of every figure too.
 */
import { FIT_CHARTS_ON_RESIZE } from '../../src/backtest/report-charts.ts';
import { escapeHtml, pageEnd, pageHead } from '../../src/backtest/report-html.ts';
import {
  changesOf,
  type FigureResult,
  type RunResult,
  type SeriesResult,
  type TargetResult,
} from './report.ts';

/** Metrics named like latency percentiles (p50, p99, p99.9) share one chart per benchmark. */
const PERCENTILE = /^p\d+(\.\d+)?$/;

export interface BarGroup {
  /** The metric (p50, rate, ...). */
  label: string;
  /** Per variant (the chart's categories), null where the variant has no such figure. */
  median: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
  reps: number[][];
  /** The median over the baseline's median, as the runner computed it. */
  ratio: (number | null)[];
}

export interface BarChart {
  bench: string;
  title: string;
  unit: string;
  better: 'higher' | 'lower';
  /** Log scale: the values span more than a decade (latency percentiles often do). */
  log: boolean;
  variants: string[];
  baseline: boolean[];
  groups: BarGroup[];
}

export interface ReportData {
  bars: BarChart[];
  series: SeriesResult[];
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** The bar charts of one benchmark: one per metric, the percentiles of a unit together. */
export function barCharts(bench: string, figures: readonly FigureResult[]): BarChart[] {
  const own = figures.filter((f) => f.bench === bench && f.chart !== false);
  const variants = [...new Set(own.map((f) => f.variant))];
  const metrics = [...new Set(own.map((f) => f.metric))];
  const chartsOf = new Map<string, string[]>();
  for (const metric of metrics) {
    const first = own.find((f) => f.metric === metric) as FigureResult;
    const key = PERCENTILE.test(metric) ? `percentiles ${first.unit}` : `metric ${metric}`;
    chartsOf.set(key, [...(chartsOf.get(key) ?? []), metric]);
  }
  return [...chartsOf.values()].map((group) => {
    const first = own.find((f) => f.metric === group[0]) as FigureResult;
    const groups = group.map((metric): BarGroup => {
      const of = variants.map((v) => own.find((f) => f.variant === v && f.metric === metric));
      return {
        label: metric,
        median: of.map((f) => (f && finite(f.summary.median) ? f.summary.median : null)),
        min: of.map((f) => (f && finite(f.summary.min) ? f.summary.min : null)),
        max: of.map((f) => (f && finite(f.summary.max) ? f.summary.max : null)),
        reps: of.map((f) => (f ? f.summary.reps.filter(finite) : [])),
        ratio: of.map((f) => (f && finite(f.ratio) ? f.ratio : null)),
      };
    });
    const values = groups.flatMap((g) => [...g.min, ...g.max]).filter(finite);
    const positive = values.filter((v) => v > 0);
    const log =
      positive.length === values.length &&
      positive.length > 0 &&
      Math.max(...positive) / Math.min(...positive) > 10;
    const title =
      group.length > 1 ? `${group.join(' / ')} (${first.unit})` : `${first.metric} (${first.unit})`;
    return {
      bench,
      title,
      unit: first.unit,
      better: first.better,
      log,
      variants,
      baseline: variants.map((v) => own.some((f) => f.variant === v && f.baseline)),
      groups,
    };
  });
}

/** A figure for a table: three significant figures or so, thousands as k, millions as M. */
export function formatFigure(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  const a = Math.abs(value);
  if (a >= 1e6) return `${(value / 1e6).toFixed(a >= 1e8 ? 0 : 2)} M`;
  if (a >= 1e4) return `${(value / 1e3).toFixed(a >= 1e5 ? 0 : 1)} k`;
  if (a >= 100) return value.toFixed(0);
  if (a >= 1) return value.toFixed(2);
  if (a === 0) return '0';
  return value.toPrecision(3);
}

const ratioText = (ratio: number | null | undefined): string =>
  ratio === null || ratio === undefined || !Number.isFinite(ratio) ? '' : `${ratio.toFixed(2)}x`;

function figuresTable(figures: readonly FigureResult[]): string {
  const rows = figures.map((f) => {
    const reps = f.summary.reps.map((v) => formatFigure(v)).join(', ');
    return (
      `<tr${f.baseline ? ' class="base"' : ''}><td>${escapeHtml(f.variant)}${f.baseline ? ' <span class="tag">baseline</span>' : ''}</td>` +
      `<td>${escapeHtml(f.metric)} <span class="muted">${escapeHtml(f.unit)}, ${f.better} is better</span></td>` +
      `<td class="num">${formatFigure(f.summary.median)}</td>` +
      `<td class="num">${formatFigure(f.summary.min)} .. ${formatFigure(f.summary.max)}</td>` +
      `<td class="num">${ratioText(f.ratio)}</td><td class="reps">${reps}</td></tr>`
    );
  });
  return (
    '<table class="grid"><thead><tr><th>variant</th><th>metric</th><th class="num">median</th>' +
    '<th class="num">min .. max</th><th class="num">ratio to baseline</th><th>repetitions</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function targetsTable(targets: readonly TargetResult[], withBench: boolean): string {
  if (targets.length === 0) return '';
  const rows = targets.map(
    (t) =>
      `<tr>${withBench ? `<td>${escapeHtml(t.bench)}</td>` : ''}<td>${escapeHtml(t.description)}</td>` +
      `<td class="num">${formatFigure(t.value)}</td><td class="num">${formatFigure(t.baseline)}</td>` +
      `<td><span class="${t.pass ? 'pass' : 'fail'}">${t.pass ? 'PASS' : 'FAIL'}</span></td></tr>`,
  );
  return (
    `<table class="grid"><thead><tr>${withBench ? '<th>bench</th>' : ''}<th>target</th><th class="num">value</th>` +
    `<th class="num">baseline</th><th>result</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

function compareTable(previous: RunResult, current: RunResult): string {
  const rows: string[] = [];
  for (const { figure: f, old, change, worse } of changesOf(previous, current)) {
    const flag = Number.isFinite(change) && Math.abs(change) > 10 ? (worse ? 'fail' : 'pass') : '';
    rows.push(
      `<tr><td>${escapeHtml(f.bench)}</td><td>${escapeHtml(f.variant)}</td><td>${escapeHtml(f.metric)}</td>` +
        `<td class="num">${formatFigure(old.summary.median)}</td><td class="num">${formatFigure(f.summary.median)}</td>` +
        `<td class="num"><span class="${flag}">${Number.isFinite(change) ? `${change >= 0 ? '+' : ''}${change.toFixed(1)}%` : '–'}</span></td></tr>`,
    );
  }
  if (rows.length === 0) return '<p class="note">No figure of this run is in the earlier one.</p>';
  return (
    '<table class="grid"><thead><tr><th>bench</th><th>variant</th><th>metric</th><th class="num">before</th>' +
    `<th class="num">now</th><th class="num">change</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

function machineTable(result: RunResult): string {
  const m = result.machine;
  const rows: [string, string][] = [
    ['started', result.startedAt],
    ['repetitions', result.quick ? '--quick (3 per variant, smaller workloads)' : '7 per variant'],
    ['Node', m.node],
    ['platform', m.platform],
    ['CPU', `${m.cpus} × ${m.cpuModel}`],
    ['memory', `${m.totalMemGiB} GiB`],
    ['git commit', m.commit ?? 'unknown'],
  ];
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${k}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
}

function benchSection(result: RunResult, bench: string, charts: BarChart[], first: number): string {
  const info = result.benches?.find((b) => b.name === bench);
  const figures = result.figures.filter((f) => f.bench === bench);
  const targets = result.targets.filter((t) => t.bench === bench);
  const series = (result.series ?? []).map((s, i) => ({ s, i })).filter(({ s }) => s.bench === bench);
  const passed = targets.filter((t) => t.pass).length;
  const summary =
    targets.length === 0 ? '' : ` <span class="muted">targets: ${passed} of ${targets.length} pass</span>`;
  return [
    `<section class="card" id="bench-${escapeHtml(bench)}">`,
    `<h2>${escapeHtml(bench)}${summary}</h2>`,
    info ? `<p class="desc">${escapeHtml(info.description)}</p>` : '',
    '<div class="charts">',
    ...charts.map(
      (chart, i) =>
        `<figure><figcaption>${escapeHtml(chart.title)}${chart.log ? ' <span class="muted">log scale</span>' : ''}` +
        ` <span class="muted">${chart.better} is better</span></figcaption>` +
        `<div class="chart" data-bar="${first + i}"></div></figure>`,
    ),
    ...series.map(
      ({ s, i }) =>
        `<figure class="wide"><figcaption>${escapeHtml(s.title)}</figcaption><div class="chart" data-series="${i}"></div></figure>`,
    ),
    '</div>',
    figuresTable(figures),
    targetsTable(targets, false),
    '</section>',
  ].join('\n');
}

/** The page's script: plain JavaScript run as is in the browser, reading `#bench-data`. */
const SCRIPT = `(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('bench-data').textContent);
  var COLORS = ['#2563eb', '#ea580c', '#16a34a', '#9333ea', '#0891b2', '#ca8a04'];
  var BASE = '#94a3b8';
  var charts = [];
  function widthOf(node) { return Math.max(280, Math.floor(node.clientWidth)); }
  function fmt(v) {
    if (v == null || !isFinite(v)) return '\\u2013';
    var a = Math.abs(v);
    if (a >= 1e6) return (v / 1e6).toFixed(2) + ' M';
    if (a >= 1e4) return (v / 1e3).toFixed(1) + ' k';
    if (a >= 100) return v.toFixed(0);
    if (a >= 1) return v.toFixed(2);
    return a === 0 ? '0' : v.toPrecision(3);
  }
  function noPath() { return null; }
  function add(node, height, opts, columns) {
    opts.width = widthOf(node);
    opts.height = height;
    var u = new uPlot(opts, columns, node);
    charts.push({ u: u, node: node, height: height });
  }
  function barChart(node, c) {
    var n = c.variants.length;
    var xs = c.variants.map(function (v, i) { return i; });
    var lo = Infinity, hi = -Infinity;
    c.groups.forEach(function (g) {
      g.min.concat(g.max, g.median).forEach(function (v) {
        if (v != null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      });
      g.reps.forEach(function (r) { r.forEach(function (v) { lo = Math.min(lo, v); hi = Math.max(hi, v); }); });
    });
    if (!isFinite(hi)) { lo = 0; hi = 1; }
    var yRange = c.log
      ? function () {
          return [Math.pow(10, Math.floor(Math.log10(lo))), Math.pow(10, Math.ceil(Math.log10(hi * 1.3)))];
        }
      : function () { return [Math.min(0, lo * 1.1), hi > 0 ? hi * 1.15 : 1]; };
    var series = [{ label: 'variant', value: function (u, v) { return v == null ? '\\u2013' : c.variants[v]; } }];
    c.groups.forEach(function (g, gi) {
      var color = COLORS[gi % COLORS.length];
      series.push({
        label: g.label + ' median', stroke: color, fill: color, width: 0, paths: noPath, points: { show: false },
        value: function (u, v, si, idx) {
          if (v == null) return '\\u2013';
          var r = idx == null ? null : g.ratio[idx];
          return fmt(v) + ' ' + c.unit + (r == null ? '' : ' (' + r.toFixed(2) + 'x)');
        }
      });
    });
    function draw(u) {
      var ctx = u.ctx;
      var px = uPlot.pxRatio;
      var colW = n > 1 ? Math.abs(u.valToPos(1, 'x', true) - u.valToPos(0, 'x', true)) : u.bbox.width;
      var gN = c.groups.length;
      var slot = (colW * 0.72) / gN;
      var barW = Math.min(slot * 0.86, 90 * px);
      var bottom = c.log ? u.bbox.top + u.bbox.height : u.valToPos(0, 'y', true);
      ctx.save();
      ctx.beginPath();
      ctx.rect(u.bbox.left, u.bbox.top - 20 * px, u.bbox.width, u.bbox.height + 20 * px);
      ctx.clip();
      ctx.font = Math.round(11 * px) + 'px system-ui, sans-serif';
      ctx.textAlign = 'center';
      for (var i = 0; i < n; i++) {
        for (var gi = 0; gi < gN; gi++) {
          var g = c.groups[gi];
          var med = g.median[i];
          if (med == null) continue;
          var color = COLORS[gi % COLORS.length];
          var cx = u.valToPos(i, 'x', true) - colW * 0.36 + slot * (gi + 0.5);
          var top = u.valToPos(med, 'y', true);
          ctx.globalAlpha = c.baseline[i] ? 0.35 : 0.85;
          ctx.fillStyle = c.baseline[i] && gN === 1 ? BASE : color;
          ctx.fillRect(cx - barW / 2, Math.min(top, bottom), barW, Math.abs(bottom - top));
          ctx.globalAlpha = 1;
          if (c.baseline[i]) {
            ctx.strokeStyle = c.baseline[i] && gN === 1 ? '#475569' : color;
            ctx.lineWidth = px;
            ctx.setLineDash([4 * px, 3 * px]);
            ctx.strokeRect(cx - barW / 2, Math.min(top, bottom), barW, Math.abs(bottom - top));
            ctx.setLineDash([]);
          }
          // min .. max of the repetitions
          var yMin = g.min[i] == null ? top : u.valToPos(g.min[i], 'y', true);
          var yMax = g.max[i] == null ? top : u.valToPos(g.max[i], 'y', true);
          ctx.strokeStyle = '#0f172a';
          ctx.lineWidth = 1.5 * px;
          ctx.beginPath();
          ctx.moveTo(cx, yMin); ctx.lineTo(cx, yMax);
          ctx.moveTo(cx - barW * 0.2, yMin); ctx.lineTo(cx + barW * 0.2, yMin);
          ctx.moveTo(cx - barW * 0.2, yMax); ctx.lineTo(cx + barW * 0.2, yMax);
          ctx.stroke();
          // each repetition
          ctx.fillStyle = '#0f172a';
          var reps = g.reps[i];
          for (var k = 0; k < reps.length; k++) {
            var dx = reps.length > 1 ? (k / (reps.length - 1) - 0.5) * barW * 0.5 : 0;
            ctx.beginPath();
            ctx.arc(cx + dx, u.valToPos(reps[k], 'y', true), 2.2 * px, 0, 2 * Math.PI);
            ctx.fill();
          }
          var label = c.baseline[i] ? 'baseline' : g.ratio[i] == null ? '' : g.ratio[i].toFixed(2) + 'x';
          ctx.fillStyle = '#334155';
          ctx.fillText(label, cx, Math.min(yMax, top, bottom) - 6 * px);
        }
      }
      ctx.restore();
    }
    add(node, 300, {
      series: series,
      legend: { show: true },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: {
        x: { time: false, range: function () { return [-0.5, n - 0.5]; } },
        y: c.log ? { distr: 3, range: yRange } : { range: yRange }
      },
      axes: [
        { splits: function () { return xs; }, grid: { show: false }, size: 40,
          values: function (u, splits) {
            return splits.map(function (i) { return c.variants[i] == null ? '' : c.variants[i] + (c.baseline[i] ? ' (baseline)' : ''); });
          } },
        { size: 70, values: function (u, splits) { return splits.map(fmt); } }
      ],
      hooks: { draw: [draw] }
    }, [xs].concat(c.groups.map(function (g) { return g.median; })));
  }
  function lineChart(node, s) {
    var series = [{ label: s.x.label, value: function (u, v) { return v == null ? '\\u2013' : fmt(v) + ' ' + s.x.unit; } }];
    s.lines.forEach(function (line, i) {
      series.push({ label: line.label, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true,
        value: function (u, v) { return v == null ? '\\u2013' : fmt(v) + ' ' + line.unit; } });
    });
    add(node, 300, {
      series: series,
      scales: { x: { time: false }, y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } } },
      axes: [
        { label: s.x.label + ' (' + s.x.unit + ')', values: function (u, splits) { return splits.map(fmt); } },
        { size: 70, label: s.lines.length ? s.lines[0].unit : '', values: function (u, splits) { return splits.map(fmt); } }
      ]
    }, [s.x.values].concat(s.lines.map(function (line) { return line.values; })));
  }
  document.querySelectorAll('[data-bar]').forEach(function (node) {
    barChart(node, data.bars[Number(node.getAttribute('data-bar'))]);
  });
  document.querySelectorAll('[data-series]').forEach(function (node) {
    lineChart(node, data.series[Number(node.getAttribute('data-series'))]);
  });
${FIT_CHARTS_ON_RESIZE}})();
`;

const PAGE_CSS = `
:root { color-scheme: light; --fg: #0f172a; --muted: #64748b; --line: #e2e8f0; --bg: #f8fafc; --card: #fff; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header, main, footer { max-width: 1400px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { font-size: 22px; margin: 0 0 12px; }
h2 { font-size: 17px; margin: 0 0 6px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px;
  margin: 0 0 20px; overflow-x: auto; }
.muted { color: var(--muted); font-weight: normal; font-size: 13px; margin-left: 6px; }
.desc { color: #334155; margin: 0 0 12px; max-width: 110ch; }
.note { color: var(--muted); font-style: italic; }
.charts { display: flex; flex-wrap: wrap; gap: 8px 24px; }
figure { margin: 0 0 12px; flex: 1 1 560px; min-width: 300px; }
figure.wide { flex-basis: 100%; }
figcaption { font-weight: 600; margin: 0 0 4px; }
.chart { width: 100%; min-height: 40px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 8px 0 12px; }
table.kv th { text-align: left; font-weight: normal; color: var(--muted); padding: 2px 18px 2px 0; }
table.kv td { padding: 2px 0; font-weight: 600; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
table.grid th, table.grid td { padding: 4px 12px 4px 0; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: top; }
table.grid th { color: var(--muted); font-weight: normal; }
table.grid .num { text-align: right; white-space: nowrap; }
table.grid td.reps { color: var(--muted); font-size: 12px; }
tr.base td { background: #f1f5f9; }
.tag { font-size: 11px; color: var(--muted); border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; }
.pass, .fail { font-weight: 700; padding: 1px 6px; border-radius: 4px; }
.pass { color: #15803d; background: #dcfce7; }
.fail { color: #b91c1c; background: #fee2e2; }
.summary { display: flex; flex-wrap: wrap; gap: 16px 48px; align-items: flex-start; }
nav a { margin-right: 12px; }
footer { color: var(--muted); font-size: 12px; padding-bottom: 24px; }
.uplot { font-family: inherit; }
.u-legend { font-size: 12px; }
`;

/** Inline script text that cannot end its `<script>` element early. */
/** The run as one HTML document; `previous` is the `--compare` run, if any. */
export function htmlReport(result: RunResult, previous?: { file: string; run: RunResult }): string {
  const benches = [...new Set(result.figures.map((f) => f.bench))];
  const bars: BarChart[] = [];
  const sections = benches.map((bench) => {
    const charts = barCharts(bench, result.figures);
    const section = benchSection(result, bench, charts, bars.length);
    bars.push(...charts);
    return section;
  });
  const data: ReportData = { bars, series: result.series ?? [] };
  const passed = result.targets.filter((t) => t.pass).length;
  const title = `Foxtrot bench ${result.startedAt}${result.quick ? ' (quick)' : ''}`;
  return [
    ...pageHead(title, PAGE_CSS),
    '<body>',
    '<header>',
    `<h1>${escapeHtml(title)}</h1>`,
    '<section class="card summary">',
    `<div><h2>Machine</h2>${machineTable(result)}</div>`,
    `<div><h2>Targets <span class="muted">${passed} of ${result.targets.length} pass; they never change the exit code</span></h2>` +
      `${targetsTable(result.targets, true) || '<p class="note">No targets in this run.</p>'}</div>`,
    '</section>',
    `<nav>${benches.map((b) => `<a href="#bench-${escapeHtml(b)}">${escapeHtml(b)}</a>`).join(' ')}</nav>`,
    '</header>',
    '<main>',
    '<p class="note">Bars: the median of the repetitions; whisker: min .. max; dots: each repetition; above each ' +
      'bar its ratio to the baseline (dashed, pale) measured in the same run, interleaved with it.</p>',
    ...sections,
    previous
      ? `<section class="card"><h2>Against ${escapeHtml(previous.file)} <span class="muted">${escapeHtml(previous.run.startedAt)}, ` +
        `commit ${escapeHtml(previous.run.machine.commit ?? 'unknown')}</span></h2>${compareTable(previous.run, result)}</section>`
      : '',
    '</main>',
    ...pageEnd(
      "Foxtrot bench report, written by npm run bench beside the run's JSON. Self-contained: it loads nothing.",
      'bench-data',
      data,
      SCRIPT,
    ),
  ].join('\n');
}
