import { useEffect, useMemo, useRef } from 'preact/hooks';
import { formatDuration, formatOffset } from './format.ts';
import { href } from './route.ts';
import { AxisLabels, axisTicks, percent } from './time-axis.tsx';
import { type Lane, type PlacedSpan, ROW_HEIGHT, type WaterfallLayout } from './waterfall-layout.ts';

// Preact adds no unit to numbers in styles.
const px = (value: number): string => `${value}px`;

interface Props {
  layout: WaterfallLayout;
  selected: PlacedSpan | undefined;
  onSelect: (spanId: string) => void;
  /** How many times the track is wider than the view. */
  zoom: number;
  arrows: boolean;
}

/** Lanes of span bars on a shared time axis, with the messages between them drawn as arrows. */
export function Waterfall({ layout, selected, onSelect, zoom, arrows }: Props) {
  const ticks = axisTicks(0, layout.range, 8 * zoom);
  // Thousands of bars: built once per layout, so picking a span re-renders only the selection box.
  const lanes = useMemo(
    () =>
      layout.lanes.map((lane) => (
        <LaneRow key={`${lane.isActor}:${lane.name}`} lane={lane} onSelect={onSelect} />
      )),
    [layout, onSelect],
  );
  const connectors = useMemo(() => <Connectors layout={layout} />, [layout]);
  const scroller = useRef<HTMLDivElement>(null);
  const selectedId = useRef(selected?.span.spanId);
  selectedId.current = selected?.span.spanId;

  // The picked span stays in view when a zoom moves it, and a link to a span shows it.
  useEffect(() => {
    const id = selectedId.current;
    if (id === undefined) return;
    const bar = scroller.current?.querySelector(`[data-span-id="${CSS.escape(id)}"]`);
    bar?.scrollIntoView({ block: 'nearest', inline: 'center' });
  }, [zoom]);

  return (
    <div class="waterfall-scroll" ref={scroller}>
      <div
        class="waterfall"
        style={{ width: `calc(${zoom} * (100% - var(--label-width)) + var(--label-width))` }}
      >
        <div class="waterfall-axis">
          <div class="lane-label axis-corner">
            {layout.lanes.length} {layout.lanes.length === 1 ? 'lane' : 'lanes'}
          </div>
          <div class="axis-track">
            <AxisLabels ticks={ticks} origin={0} range={layout.range} label={formatOffset} />
          </div>
        </div>
        <div class="waterfall-body" style={{ height: px(layout.height) }}>
          <div class="waterfall-layer grid-layer">
            {ticks.map((tick) => (
              <div key={tick} class="gridline" style={{ left: percent(tick, layout.range) }} />
            ))}
          </div>
          {lanes}
          <div class="waterfall-layer overlay-layer">
            {arrows && connectors}
            {selected !== undefined && (
              <div
                class="span-selection"
                style={{
                  left: `${selected.left}%`,
                  width: `${selected.width}%`,
                  top: px(selected.lane.top + selected.y),
                }}
              />
            )}
          </div>
        </div>
      </div>
    </div>
  );
}

function LaneRow({ lane, onSelect }: { lane: Lane; onSelect: (spanId: string) => void }) {
  const select = (event: { currentTarget: HTMLElement }): void =>
    onSelect(event.currentTarget.dataset.spanId ?? '');
  return (
    <div
      class="lane"
      data-testid="lane"
      data-lane={lane.name}
      style={{ top: px(lane.top), height: px(lane.height) }}
    >
      <div class="lane-label">
        {lane.isActor ? (
          <a href={href.actor(lane.name)} class="mono">
            {lane.name}
          </a>
        ) : (
          <span class="mono">
            <span class="muted">thread </span>
            {lane.name}
          </span>
        )}
        {lane.actorKind !== undefined && lane.actorKind !== lane.name && (
          <span class="muted lane-kind">{lane.actorKind}</span>
        )}
      </div>
      <div class="lane-track">
        {lane.spans.map(({ span, left, width, y, labelOutside }) => (
          <button
            type="button"
            key={span.spanId}
            class={`span-bar kind-${span.kind.toLowerCase()}${span.status.code === 2 ? ' span-error' : ''}${labelOutside ? ' label-outside' : ''}`}
            style={{ left: `${left}%`, width: `${width}%`, top: px(y) }}
            title={`${span.name} (${formatDuration(span.end - span.start)})`}
            data-testid="span"
            data-span-id={span.spanId}
            data-actor={span.actor ?? ''}
            data-message-type={span.messageType ?? ''}
            data-kind={span.kind}
            onClick={select}
          >
            <span class="span-label">{span.name}</span>
          </button>
        ))}
      </div>
    </div>
  );
}

const middle = (placed: PlacedSpan): number => placed.lane.top + placed.y + ROW_HEIGHT / 2;

function Connectors({ layout }: { layout: WaterfallLayout }) {
  return (
    <svg class="connectors" width="100%" height={layout.height} aria-hidden="true">
      <defs>
        <marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto">
          <path d="M0,0 L8,4 L0,8 z" />
        </marker>
      </defs>
      {layout.connectors.map(({ from, to }) => (
        <line
          key={to.span.spanId}
          x1={`${from.left}%`}
          y1={middle(from)}
          x2={`${to.left}%`}
          y2={middle(to)}
        />
      ))}
    </svg>
  );
}
