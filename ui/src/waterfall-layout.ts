import type { SpanView } from './api.ts';

/** Height of one row of bars in a lane, and the space above and below a lane's rows, in pixels. */
export const ROW_HEIGHT = 22;
export const LANE_PADDING = 5;
/** The narrowest bar (styles.css gives bars this min-width) and the space kept after each bar, in pixels. */
const MIN_BAR_PX = 3;
const BAR_GAP_PX = 2;
/** The width of a character of a bar's label (11px monospace) and the padding around the label, in pixels. */
const LABEL_CHAR_PX = 6.7;
const LABEL_PADDING_PX = 8;
/** Past this many spans, labels too narrow for their bar are left out: giving them room would make lanes huge. */
const LABELLED_UP_TO = 500;
/**
 * The track width, at zoom 1, that rows are packed for: the track is at least this wide on a laptop screen even
 * with the span detail open, so bars stretched to their min-width never cover one another.
 */
const PACKED_TRACK_PX = 600;

export interface PlacedSpan {
  span: SpanView;
  /** Offset from the trace start and length, in percent of the time axis. */
  left: number;
  width: number;
  /** The top of the bar's row, from the top of its lane. */
  y: number;
  lane: Lane;
  /** The label does not fit in the bar: it follows the bar, in space the packing kept free for it. */
  labelOutside: boolean;
}

/** The spans of one actor, or of one thread for spans with no actor. */
export interface Lane {
  name: string;
  isActor: boolean;
  actorKind: string | undefined;
  top: number;
  height: number;
  spans: PlacedSpan[];
}

/** A message from the PRODUCER span that sent it to the CONSUMER span that handled it. */
export interface Connector {
  from: PlacedSpan;
  to: PlacedSpan;
}

export interface WaterfallLayout {
  start: number;
  end: number;
  /** The length of the time axis in ms, from the trace's start. */
  range: number;
  lanes: Lane[];
  connectors: Connector[];
  byId: Map<string, PlacedSpan>;
  height: number;
}

const labelPx = (span: SpanView): number => span.name.length * LABEL_CHAR_PX + LABEL_PADDING_PX;

/**
 * The trace's duration (1 ms for an instant), stretched so that a label that follows its bar near the end still
 * fits on the axis: a label of a share `l` of the track after a bar ending at `e` needs a range of `e / (1 - l)`.
 */
function axisRange(
  sorted: SpanView[],
  start: number,
  end: number,
  trackPx: number,
  labelled: boolean,
): number {
  const duration = end > start ? end - start : 1;
  if (!labelled) return duration;
  let range = duration;
  for (const span of sorted) {
    const share = (labelPx(span) + MIN_BAR_PX + BAR_GAP_PX) / trackPx;
    const barPx = ((span.end - span.start) / duration) * trackPx;
    if (barPx >= labelPx(span) || share >= 1) continue;
    range = Math.max(range, (span.end - start) / (1 - share));
  }
  return range;
}

/**
 * Lanes in the order of their first span, and in each lane the spans packed into rows so that no two bars overlap
 * on screen (a handler's sends sit under it). After the sort, linear in the spans times the rows of the busiest lane.
 */
export function layoutWaterfall(spans: SpanView[], zoom: number): WaterfallLayout {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const start = sorted[0]?.start ?? 0;
  const end = sorted.reduce((max, span) => Math.max(max, span.end), start);
  const trackPx = PACKED_TRACK_PX * zoom;
  const labelled = spans.length <= LABELLED_UP_TO;
  const range = axisRange(sorted, start, end, trackPx, labelled);
  const msPerPx = range / trackPx;

  const lanes = new Map<string, { lane: Lane; rowEnds: number[] }>();
  const byId = new Map<string, PlacedSpan>();
  for (const span of sorted) {
    const key = span.actor ? `actor ${span.actor}` : `thread ${span.thread}`;
    let entry = lanes.get(key);
    if (entry === undefined) {
      const lane: Lane = {
        name: span.actor || span.thread,
        isActor: Boolean(span.actor),
        actorKind: span.actorKind,
        top: 0,
        height: 0,
        spans: [],
      };
      entry = { lane, rowEnds: [] };
      lanes.set(key, entry);
    }
    const barPx = Math.max((span.end - span.start) / msPerPx, MIN_BAR_PX);
    const labelOutside = labelled && barPx < labelPx(span);
    const occupiedUntil = span.start + (barPx + (labelOutside ? labelPx(span) : 0) + BAR_GAP_PX) * msPerPx;
    let row = entry.rowEnds.findIndex((rowEnd) => rowEnd <= span.start);
    if (row === -1) row = entry.rowEnds.push(occupiedUntil) - 1;
    else entry.rowEnds[row] = occupiedUntil;
    const placed: PlacedSpan = {
      span,
      left: ((span.start - start) / range) * 100,
      width: (Math.max(0, span.end - span.start) / range) * 100,
      y: LANE_PADDING + row * ROW_HEIGHT,
      lane: entry.lane,
      labelOutside,
    };
    entry.lane.spans.push(placed);
    byId.set(span.spanId, placed);
  }

  let height = 0;
  for (const { lane, rowEnds } of lanes.values()) {
    lane.top = height;
    lane.height = rowEnds.length * ROW_HEIGHT + 2 * LANE_PADDING;
    height += lane.height;
  }

  const connectors: Connector[] = [];
  for (const to of byId.values()) {
    if (to.span.kind !== 'CONSUMER') continue;
    const from = byId.get(to.span.parentSpanId);
    if (from?.span.kind === 'PRODUCER') connectors.push({ from, to });
  }

  const laneList = [...lanes.values()].map(({ lane }) => lane);
  return { start, end, range, lanes: laneList, connectors, byId, height };
}
