/*
 * The charts of the backtest report: the data they draw (prepared here, in Node, so the page only hands arrays to
 * uPlot) and the script that draws them in the browser. Everything here is a pure function of the input, so the
 * report stays byte-identical for the same backtest.
 */
import type { ClosedTrade, EquityPoint, FillRecord, PricePoint } from './results.ts';

/**
 * At most this many points per chart. A chart is at most a few thousand pixels wide, so more points only make the
 * file bigger and the page slower without showing anything more.
 */
export const MAX_CHART_POINTS = 3000;

/** The report's colours; opaque where a test looks for them in the canvas (markers and bars). */
export const REPORT_COLORS = {
  equity: '#2563eb',
  equityFill: 'rgba(37, 99, 235, 0.08)',
  drawdown: '#dc2626',
  drawdownFill: 'rgba(220, 38, 38, 0.18)',
  price: '#475569',
  buy: '#16a34a',
  sell: '#dc2626',
  win: '#16a34a',
  loss: '#dc2626',
  grid: '#e5e7eb',
  zero: '#94a3b8',
} as const;

export interface EquityChartData {
  /** Seconds since the epoch (what uPlot's time axis expects). */
  t: number[];
  equity: (number | null)[];
  /** Percent below the running peak (0 or negative). */
  drawdown: (number | null)[];
}

export interface PriceChartData {
  instrumentId: string;
  /** Seconds since the epoch: the (downsampled) price times and every fill time, ascending. */
  t: number[];
  /** Null at the times that only have a fill; the line spans those gaps. */
  price: (number | null)[];
  /** Quantity-weighted price of the BUY fills at that time, else null. */
  buy: (number | null)[];
  sell: (number | null)[];
  buys: number;
  sells: number;
}

export interface TradeChartData {
  /** Trade number, 1-based, in order of exit. */
  n: number[];
  /** PnL of a winning trade at its number, else null (one series per colour). */
  win: (number | null)[];
  loss: (number | null)[];
  /** What the legend shows for the trade under the cursor. */
  label: string[];
}

export interface ChartData {
  colors: typeof REPORT_COLORS;
  equity: EquityChartData;
  prices: PriceChartData[];
  trades: TradeChartData;
  /** First and last time (seconds) of the equity and price charts, which all share it; null with neither. */
  timeRange: [number, number] | null;
}

const seconds = (ms: number): number => ms / 1000;
const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);
const round = (value: number, decimals: number): number => {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
};

/** A copy sorted by time; the sort is stable, so equal times keep their input order. */
function byTime<T extends { time: number }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.time - b.time);
}

/**
 * The indices of `n` points to keep so that about `limit` remain: the first and the last, and in each of equal-count
 * buckets the lowest and the highest value of every key. Keeping the extremes (rather than every k-th point) keeps
 * spikes and the drawdown's trough on the chart. Returns every index when `n <= limit`.
 */
export function downsampleIndices(
  n: number,
  limit: number,
  keys: readonly ((index: number) => number)[],
): number[] {
  if (n <= limit) return Array.from({ length: n }, (_, index) => index);
  const perBucket = Math.max(1, keys.length * 2);
  const buckets = Math.max(1, Math.floor((limit - 2) / perBucket));
  const keep = new Set<number>([0, n - 1]);
  for (let bucket = 0; bucket < buckets; bucket += 1) {
    const from = Math.floor((bucket * n) / buckets);
    const to = Math.floor(((bucket + 1) * n) / buckets);
    for (const key of keys) {
      let low = -1;
      let high = -1;
      for (let index = from; index < to; index += 1) {
        const value = key(index);
        if (!Number.isFinite(value)) continue;
        if (low < 0 || value < key(low)) low = index;
        if (high < 0 || value > key(high)) high = index;
      }
      keep.add(low < 0 ? from : low);
      keep.add(high < 0 ? from : high);
    }
  }
  return [...keep].sort((a, b) => a - b);
}

export function equityChartData(equity: readonly EquityPoint[]): EquityChartData {
  const points = byTime(equity);
  const drawdown: number[] = [];
  let peak = Number.NEGATIVE_INFINITY;
  for (const point of points) {
    if (Number.isFinite(point.equity) && point.equity > peak) peak = point.equity;
    drawdown.push(peak > 0 && Number.isFinite(point.equity) ? (point.equity / peak - 1) * 100 : 0);
  }
  const keep = downsampleIndices(points.length, MAX_CHART_POINTS, [
    (index) => points[index]?.equity ?? Number.NaN,
    (index) => drawdown[index] ?? Number.NaN,
  ]);
  const data: EquityChartData = { t: [], equity: [], drawdown: [] };
  for (const index of keep) {
    const point = points[index] as EquityPoint;
    data.t.push(seconds(point.time));
    data.equity.push(finiteOrNull(point.equity));
    data.drawdown.push(finiteOrNull(round(drawdown[index] ?? 0, 6)));
  }
  return data;
}

interface Row {
  price: number | null;
  buyQuantity: number;
  buyNotional: number;
  sellQuantity: number;
  sellNotional: number;
}

function priceChartData(
  instrumentId: string,
  prices: readonly PricePoint[],
  fills: readonly FillRecord[],
): PriceChartData {
  const keep = downsampleIndices(prices.length, MAX_CHART_POINTS, [
    (index) => prices[index]?.price ?? Number.NaN,
  ]);
  const rows = new Map<number, Row>();
  const row = (time: number): Row => {
    let found = rows.get(time);
    if (!found) {
      found = { price: null, buyQuantity: 0, buyNotional: 0, sellQuantity: 0, sellNotional: 0 };
      rows.set(time, found);
    }
    return found;
  };
  for (const index of keep) {
    const point = prices[index] as PricePoint;
    row(point.time).price = finiteOrNull(point.price);
  }
  let buys = 0;
  let sells = 0;
  for (const fill of fills) {
    const price = Number(fill.price);
    const parsed = Number(fill.quantity);
    if (!Number.isFinite(price)) continue;
    // A zero or unreadable quantity still marks the fill; it just does not weigh in the average.
    const quantity = Number.isFinite(parsed) && parsed > 0 ? parsed : 1e-12;
    const at = row(fill.time);
    if (fill.side === 'BUY') {
      at.buyQuantity += quantity;
      at.buyNotional += price * quantity;
      buys += 1;
    } else {
      at.sellQuantity += quantity;
      at.sellNotional += price * quantity;
      sells += 1;
    }
  }
  const data: PriceChartData = { instrumentId, t: [], price: [], buy: [], sell: [], buys, sells };
  for (const time of [...rows.keys()].sort((a, b) => a - b)) {
    const at = rows.get(time) as Row;
    data.t.push(seconds(time));
    data.price.push(at.price);
    data.buy.push(at.buyQuantity > 0 ? finiteOrNull(at.buyNotional / at.buyQuantity) : null);
    data.sell.push(at.sellQuantity > 0 ? finiteOrNull(at.sellNotional / at.sellQuantity) : null);
  }
  return data;
}

/** One chart per instrument that has prices or fills, in instrument id order. */
export function priceChartsData(
  prices: readonly PricePoint[],
  fills: readonly FillRecord[],
): PriceChartData[] {
  const byInstrument = new Map<string, { prices: PricePoint[]; fills: FillRecord[] }>();
  const entry = (instrumentId: string) => {
    let found = byInstrument.get(instrumentId);
    if (!found) {
      found = { prices: [], fills: [] };
      byInstrument.set(instrumentId, found);
    }
    return found;
  };
  for (const point of byTime(prices)) entry(point.instrumentId).prices.push(point);
  for (const fill of byTime(fills)) entry(fill.instrumentId).fills.push(fill);
  return [...byInstrument.keys()].sort().map((instrumentId) => {
    const { prices: points, fills: own } = byInstrument.get(instrumentId) as {
      prices: PricePoint[];
      fills: FillRecord[];
    };
    return priceChartData(instrumentId, points, own);
  });
}

/** Closed trades in order of exit (then entry), as the bar chart numbers them. */
export function tradesInExitOrder(trades: readonly ClosedTrade[]): ClosedTrade[] {
  return [...trades].sort((a, b) => a.exitTime - b.exitTime || a.entryTime - b.entryTime);
}

const isoUtc = (ms: number): string =>
  Number.isFinite(ms) ? new Date(ms).toISOString().replace('T', ' ').replace('.000Z', 'Z') : String(ms);

export function tradeChartData(trades: readonly ClosedTrade[]): TradeChartData {
  const data: TradeChartData = { n: [], win: [], loss: [], label: [] };
  tradesInExitOrder(trades).forEach((trade, index) => {
    const pnl = finiteOrNull(Number(trade.pnl));
    data.n.push(index + 1);
    data.win.push(pnl !== null && pnl > 0 ? pnl : null);
    data.loss.push(pnl !== null && pnl <= 0 ? pnl : null);
    data.label.push(
      `${trade.instrumentId} ${trade.direction} ${trade.quantity} @ ${trade.entryPrice} → ${trade.exitPrice}, ` +
        `exit ${isoUtc(trade.exitTime)}`,
    );
  });
  return data;
}

export function chartData(input: {
  equity: readonly EquityPoint[];
  prices: readonly PricePoint[];
  fills: readonly FillRecord[];
  trades: readonly ClosedTrade[];
}): ChartData {
  const equity = equityChartData(input.equity);
  const prices = priceChartsData(input.prices, input.fills);
  let timeRange: [number, number] | null = null;
  for (const times of [equity.t, ...prices.map((chart) => chart.t)]) {
    const first = times[0];
    const last = times[times.length - 1];
    if (first === undefined || last === undefined) continue;
    timeRange = timeRange ? [Math.min(timeRange[0], first), Math.max(timeRange[1], last)] : [first, last];
  }
  return { colors: REPORT_COLORS, equity, prices, trades: tradeChartData(input.trades), timeRange };
}

/**
 * The page's script (plain ES5-ish JavaScript, run as is in the browser; kept as text rather than a compiled
 * function so that no build step or transform can change it). It reads the JSON of `chartData` from
 * `#report-data`, draws each `[data-chart]` container found in the page, resizes the charts with the window, and
 * marks `<html data-charts="N">` when done.
 */
/**
 * The end of a report page's script: charts (\`charts\`, each \`{ node, u, height }\`, sized by \`widthOf\`) follow
 * the window's width, once per frame; the page then says how many charts it drew (tests wait for it).
 */
export const FIT_CHARTS_ON_RESIZE = `  var pending = false;
  window.addEventListener('resize', function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      charts.forEach(function (c) {
        var w = widthOf(c.node);
        if (w !== c.u.width) c.u.setSize({ width: w, height: c.height });
      });
    });
  });
  document.documentElement.setAttribute('data-charts', String(charts.length));
`;

export const CHART_SCRIPT = `(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var colors = data.colors;
  var charts = [];
  var timeCharts = [];
  var ready = false;
  var syncing = false;
  var fmtTime = uPlot.fmtDate('{YYYY}-{MM}-{DD} {HH}:{mm}:{ss}');
  function utc(ts) { return uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'); }
  function timeValue(u, v) { return v == null ? '\\u2013' : fmtTime(utc(v)) + ' UTC'; }
  function widthOf(node) { return Math.max(280, Math.floor(node.clientWidth)); }
  function decimalsOf(step) {
    var d = 0;
    while (d < 8 && Math.abs(Math.round(step * Math.pow(10, d)) - step * Math.pow(10, d)) > 1e-6) d++;
    return d;
  }
  function fmt(v, d) {
    return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  }
  function fmtAuto(v) {
    if (v == null) return '\\u2013';
    var a = Math.abs(v);
    return fmt(v, a >= 1000 ? 2 : a >= 1 ? 4 : 6);
  }
  function yAxis(suffix) {
    return {
      size: 84,
      grid: { stroke: colors.grid, width: 1 },
      ticks: { stroke: colors.grid, width: 1 },
      values: function (u, splits, axisIdx, space, step) {
        var d = decimalsOf(step || 1);
        return splits.map(function (v) { return v == null ? '' : fmt(v, d) + suffix; });
      }
    };
  }
  // 24-hour UTC tick labels: [step (s), label, then the label's second line when the year, month, day, hour,
  // minute or second changed, and 1 = show that second line only when it changed].
  var TIME_LABELS = [
    [3600 * 24 * 365, '{YYYY}', null, null, null, null, null, null, 1],
    [3600 * 24 * 28, '{MMM}', '\\n{YYYY}', null, null, null, null, null, 1],
    [3600 * 24, '{MMM} {D}', '\\n{YYYY}', null, null, null, null, null, 1],
    [3600, '{HH}:{mm}', '\\n{YYYY}-{MM}-{DD}', null, '\\n{MMM} {D}', null, null, null, 1],
    [60, '{HH}:{mm}', '\\n{YYYY}-{MM}-{DD}', null, '\\n{MMM} {D}', null, null, null, 1],
    [1, '{HH}:{mm}:{ss}', '\\n{YYYY}-{MM}-{DD}', null, '\\n{MMM} {D}', null, null, null, 1],
    [0.001, '{HH}:{mm}:{ss}.{fff}', '\\n{YYYY}-{MM}-{DD}', null, '\\n{MMM} {D}', null, null, null, 1]
  ];
  function xTimeAxis() {
    return {
      values: TIME_LABELS,
      grid: { stroke: colors.grid, width: 1 },
      ticks: { stroke: colors.grid, width: 1 }
    };
  }
  // Every time chart spans the whole test (so they line up under each other), also after a double-click reset.
  // uPlot calls this for zooms too; an autoscale is the one asking for exactly the chart's own first..last time.
  function timeRange(u, min, max) {
    var xs = u.data[0];
    var auto = min == null || max == null || (min === xs[0] && max === xs[xs.length - 1]);
    var span = auto && data.timeRange ? data.timeRange : [min, max];
    return span[0] === span[1] ? [span[0] - 60, span[1] + 60] : [span[0], span[1]];
  }
  function syncX(u, key) {
    if (key !== 'x' || !ready || syncing) return;
    syncing = true;
    var min = u.scales.x.min;
    var max = u.scales.x.max;
    timeCharts.forEach(function (other) { if (other !== u) other.setScale('x', { min: min, max: max }); });
    syncing = false;
  }
  function zeroLine(u) {
    var y = Math.round(u.valToPos(0, 'y', true)) + 0.5;
    if (!(y >= u.bbox.top && y <= u.bbox.top + u.bbox.height)) return;
    var ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = colors.zero;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(u.bbox.left, y);
    ctx.lineTo(u.bbox.left + u.bbox.width, y);
    ctx.stroke();
    ctx.restore();
  }
  function add(node, height, opts, columns, isTime) {
    opts.width = widthOf(node);
    opts.height = height;
    if (isTime) {
      opts.tzDate = utc;
      opts.scales = opts.scales || {};
      opts.scales.x = { time: true, range: timeRange };
      opts.cursor = { sync: { key: 'time' } };
      opts.hooks = opts.hooks || {};
      opts.hooks.setScale = [syncX];
    }
    var u = new uPlot(opts, columns, node);
    charts.push({ u: u, node: node, height: height });
    if (isTime) timeCharts.push(u);
    return u;
  }
  function noPath() { return null; }
  function triangles(up) {
    return function (u, seriesIdx, idx0, idx1) {
      var s = u.series[seriesIdx];
      var xs = u.data[0];
      var ys = u.data[seriesIdx];
      var r = 6 * uPlot.pxRatio;
      var path = new Path2D();
      for (var i = idx0; i <= idx1; i++) {
        if (ys[i] == null) continue;
        var x = u.valToPos(xs[i], 'x', true);
        var y = u.valToPos(ys[i], s.scale, true);
        if (up) {
          path.moveTo(x, y - r); path.lineTo(x + r, y + r * 0.8); path.lineTo(x - r, y + r * 0.8);
        } else {
          path.moveTo(x, y + r); path.lineTo(x + r, y - r * 0.8); path.lineTo(x - r, y - r * 0.8);
        }
        path.closePath();
      }
      var b = u.bbox;
      var clip = new Path2D();
      clip.rect(b.left - 2 * r, b.top - 2 * r, b.width + 4 * r, b.height + 4 * r);
      return { stroke: path, fill: path, clip: clip, flags: 0 };
    };
  }
  function marker(label, color, up) {
    return {
      label: label,
      stroke: color,
      fill: color,
      paths: noPath,
      value: function (u, v) { return fmtAuto(v); },
      points: { show: true, size: 12, width: 1, stroke: color, fill: color, paths: triangles(up) }
    };
  }

  var equityNode = document.querySelector('[data-chart="equity"]');
  if (equityNode) {
    add(equityNode, 300, {
      series: [
        { value: timeValue },
        { label: 'Equity', stroke: colors.equity, width: 1.5, fill: colors.equityFill,
          value: function (u, v) { return fmtAuto(v); } }
      ],
      axes: [xTimeAxis(), yAxis('')]
    }, [data.equity.t, data.equity.equity], true);
  }
  var drawdownNode = document.querySelector('[data-chart="drawdown"]');
  if (drawdownNode) {
    add(drawdownNode, 170, {
      series: [
        { value: timeValue },
        { label: 'Drawdown', stroke: colors.drawdown, width: 1, fill: colors.drawdownFill,
          value: function (u, v) { return v == null ? '\\u2013' : fmt(v, 2) + '%'; } }
      ],
      scales: { y: { range: function (u, min) { return [Math.min(min, -0.01) * 1.05, 0]; } } },
      axes: [xTimeAxis(), yAxis('%')]
    }, [data.equity.t, data.equity.drawdown], true);
  }
  data.prices.forEach(function (p) {
    var node = document.querySelector('[data-chart="price"][data-instrument="' + CSS.escape(p.instrumentId) + '"]');
    if (!node) return;
    var series = [
      { value: timeValue },
      { label: p.instrumentId, stroke: colors.price, width: 1.25, spanGaps: true,
        value: function (u, v) { return fmtAuto(v); } }
    ];
    var columns = [p.t, p.price];
    if (p.buys + p.sells > 0) {
      series.push(marker('Buy fill', colors.buy, true), marker('Sell fill', colors.sell, false));
      columns.push(p.buy, p.sell);
    }
    add(node, 300, { series: series, axes: [xTimeAxis(), yAxis('')] }, columns, true);
  });
  var tradesNode = document.querySelector('[data-chart="trade-pnl"]');
  if (tradesNode) {
    var tr = data.trades;
    var bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.7, 48], gap: 1 }) : null;
    var pnlSeries = function (label, color) {
      return bars
        ? { label: label, stroke: color, fill: color, width: 0, paths: bars, points: { show: false },
            value: function (u, v) { return fmtAuto(v); } }
        : { label: label, stroke: color, fill: color, paths: noPath, points: { show: true, size: 8, fill: color },
            value: function (u, v) { return fmtAuto(v); } };
    };
    add(tradesNode, 260, {
      series: [
        { label: 'Trade', value: function (u, v) { return v == null ? '\\u2013' : '#' + v + ' ' + tr.label[v - 1]; } },
        pnlSeries('Win', colors.win),
        pnlSeries('Loss', colors.loss)
      ],
      scales: {
        x: { time: false, range: function (u, min, max) { return [min - 0.5, max + 0.5]; } },
        y: { range: function (u, min, max) {
          var lo = Math.min(0, min == null ? 0 : min);
          var hi = Math.max(0, max == null ? 0 : max);
          var pad = (hi - lo) * 0.06 || 1;
          return [lo < 0 ? lo - pad : 0, hi > 0 ? hi + pad : 0];
        } }
      },
      axes: [
        { space: 36, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000],
          grid: { show: false }, ticks: { stroke: colors.grid, width: 1 },
          values: function (u, splits) { return splits.map(function (v) { return v % 1 === 0 ? '#' + v : ''; }); } },
        yAxis('')
      ],
      hooks: { draw: [zeroLine] }
    }, [tr.n, tr.win, tr.loss], false);
  }

  ready = true;
${FIT_CHARTS_ON_RESIZE}})();
`;
