import { useCallback, useMemo, useState } from 'preact/hooks';
import { type TraceDetail, tracePath } from './api.ts';
import { formatDuration, formatTimestamp } from './format.ts';
import { Empty, ErrorNotice, Loading } from './notice.tsx';
import { href, replaceRoute } from './route.ts';
import { SpanDetail } from './span-detail.tsx';
import { useApi } from './use-api.ts';
import { Waterfall } from './waterfall.tsx';
import { layoutWaterfall, type WaterfallLayout } from './waterfall-layout.ts';

const ZOOMS = [1, 2, 5, 10, 25, 50];
/** Past this many messages, arrows start hidden: they would cover the bars in a grey mesh. */
const ARROWS_SHOWN_UP_TO = 400;

interface Props {
  traceId: string;
  spanId: string | undefined;
  /** The trace list as it was last filtered. */
  listHref: string;
}

/** One trace: its waterfall, and the detail of the span picked in it (kept in the hash as `?span=`). */
export function TraceView({ traceId, spanId, listHref }: Props) {
  const trace = useApi<TraceDetail>(tracePath(traceId));
  const [zoom, setZoom] = useState(1);
  const [arrows, setArrows] = useState<boolean>();
  const layout = useMemo(() => trace.data && layoutWaterfall(trace.data.spans, zoom), [trace.data, zoom]);
  const select = useCallback((id: string) => replaceRoute(href.trace(traceId, id)), [traceId]);
  const close = useCallback(() => replaceRoute(href.trace(traceId)), [traceId]);

  if (trace.data === undefined || layout === undefined) {
    return (
      <section class="page">
        <BackLink listHref={listHref} />
        {trace.error === undefined ? (
          <Loading what={`trace ${traceId}`} />
        ) : (
          <ErrorNotice title={`Could not load trace ${traceId}:`} message={trace.error} />
        )}
      </section>
    );
  }
  const selected = spanId === undefined ? undefined : layout.byId.get(spanId);
  const showArrows = arrows ?? layout.connectors.length <= ARROWS_SHOWN_UP_TO;
  return (
    <section class="page">
      <BackLink listHref={listHref} />
      <TraceHeader traceId={traceId} layout={layout} />
      {trace.error !== undefined && <ErrorNotice title="Refresh failed:" message={trace.error} />}
      {layout.lanes.length === 0 ? (
        <Empty>This trace has no spans.</Empty>
      ) : (
        <>
          <div class="trace-controls">
            <label>
              Zoom{' '}
              <select value={zoom} onChange={(event) => setZoom(Number(event.currentTarget.value))}>
                {ZOOMS.map((factor) => (
                  <option key={factor} value={factor}>
                    {factor}×
                  </option>
                ))}
              </select>
            </label>
            <label>
              <input
                type="checkbox"
                checked={showArrows}
                onChange={(event) => setArrows(event.currentTarget.checked)}
              />{' '}
              message arrows ({layout.connectors.length})
            </label>
          </div>
          <div class={spanId === undefined ? 'trace-body' : 'trace-body with-detail'}>
            <Waterfall
              layout={layout}
              selected={selected}
              onSelect={select}
              zoom={zoom}
              arrows={showArrows}
            />
            {selected !== undefined ? (
              <SpanDetail span={selected.span} traceId={traceId} traceStart={layout.start} onClose={close} />
            ) : (
              spanId !== undefined && (
                <aside class="span-detail">
                  <Empty>
                    Span <code>{spanId}</code> is not in this trace (yet).
                  </Empty>
                </aside>
              )
            )}
          </div>
        </>
      )}
    </section>
  );
}

function BackLink({ listHref }: { listHref: string }) {
  return (
    <a class="back" href={listHref}>
      ← All traces
    </a>
  );
}

function TraceHeader({ traceId, layout }: { traceId: string; layout: WaterfallLayout }) {
  const spans = [...layout.byId.values()];
  const root = spans.find(({ span }) => span.parentSpanId === '') ?? spans[0];
  const errors = spans.filter(({ span }) => span.status.code === 2).length;
  return (
    <header class="trace-head">
      <h2>{root?.span.name ?? 'Trace'}</h2>
      <dl class="summary">
        <dt>Trace</dt>
        <dd class="mono">{traceId}</dd>
        <dt>Start</dt>
        <dd class="mono">{formatTimestamp(layout.start)}</dd>
        <dt>Duration</dt>
        <dd class="mono">{formatDuration(layout.end - layout.start)}</dd>
        <dt>Spans</dt>
        <dd>{spans.length}</dd>
        <dt>Errors</dt>
        <dd class={errors > 0 ? 'error-count' : ''}>{errors}</dd>
      </dl>
    </header>
  );
}
