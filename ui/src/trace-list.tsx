import { useMemo, useRef } from 'preact/hooks';
import { type ActorSummary, actorsPath, type TraceSummary, tracesPath } from './api.ts';
import { formatDuration, formatTimestamp } from './format.ts';
import { Empty, ErrorNotice, Loading } from './notice.tsx';
import { href, replaceRoute } from './route.ts';
import {
  type Filters,
  filtersHref,
  hasFilters,
  rangeStart,
  readFilters,
  TraceFilters,
} from './trace-filters.tsx';
import { useApi } from './use-api.ts';

const LIMIT = 200;

const applyFilters = (filters: Filters): void => replaceRoute(filtersHref(filters));

/** The default page: the newest traces, filtered. */
export function TraceList({ params }: { params: URLSearchParams }) {
  const filters = readFilters(params);
  const traces = useApi<{ traces: TraceSummary[] }>(filtersHref(filters), () =>
    tracesPath({
      q: filters.q,
      actor: filters.actor,
      type: filters.type,
      instrument: filters.instrument,
      errors: filters.errors,
      from: rangeStart(filters.range),
      limit: LIMIT,
    }),
  );
  const actors = useApi<{ actors: ActorSummary[] }>(actorsPath);
  const seen = useSeenValues(traces.data?.traces);
  const actorIds = useMemo(() => (actors.data?.actors ?? []).map((actor) => actor.id).sort(), [actors.data]);

  return (
    <section class="page">
      <TraceFilters
        filters={filters}
        onChange={applyFilters}
        actors={actorIds}
        types={seen.types}
        instruments={seen.instruments}
      />
      {traces.error !== undefined && <ErrorNotice title="Could not load traces:" message={traces.error} />}
      {traces.data === undefined ? (
        traces.error === undefined && <Loading what="traces" />
      ) : (
        <TraceTable traces={traces.data.traces} filtered={hasFilters(filters)} stale={traces.loading} />
      )}
    </section>
  );
}

/** The message types and instruments of the traces loaded so far, for the filters' choices. */
function useSeenValues(traces: TraceSummary[] | undefined): { types: string[]; instruments: string[] } {
  const seen = useRef({ types: new Set<string>(), instruments: new Set<string>() });
  return useMemo(() => {
    const { types, instruments } = seen.current;
    for (const trace of traces ?? []) {
      for (const type of trace.types) types.add(type);
      for (const instrument of trace.instruments) instruments.add(instrument);
    }
    return { types: [...types].sort(), instruments: [...instruments].sort() };
  }, [traces]);
}

interface TableProps {
  traces: TraceSummary[];
  filtered: boolean;
  /** Still the answer to the previous filters. */
  stale: boolean;
}

function TraceTable({ traces, filtered, stale }: TableProps) {
  if (traces.length === 0) {
    return filtered ? (
      <Empty>
        No trace matches these filters. <a href={href.traces()}>Clear the filters</a>
      </Empty>
    ) : (
      <Empty>
        No traces yet: point a node at this receiver with{' '}
        <code>OTEL_EXPORTER_OTLP_ENDPOINT={location.origin} npm start</code>
      </Empty>
    );
  }
  return (
    <div class={stale ? 'trace-table stale' : 'trace-table'}>
      <div class="trace-row trace-list-head">
        <span>Start</span>
        <span>Root operation</span>
        <span class="num">Duration</span>
        <span class="num">Actors</span>
        <span class="num">Threads</span>
        <span class="num">Spans</span>
        <span class="num">Errors</span>
        <span>Client order ids</span>
      </div>
      {traces.map((trace) => (
        <TraceRow key={trace.traceId} trace={trace} />
      ))}
      {traces.length >= LIMIT && (
        <p class="muted table-note">Showing the newest {LIMIT}: narrow the search to see older traces.</p>
      )}
    </div>
  );
}

function TraceRow({ trace }: { trace: TraceSummary }) {
  const orderIds = trace.orderIds.join(' ');
  return (
    <a
      class={trace.errorCount > 0 ? 'trace-row has-errors' : 'trace-row'}
      href={href.trace(trace.traceId)}
      data-testid="trace-row"
      data-trace-id={trace.traceId}
      title={`trace ${trace.traceId}`}
    >
      <span class="mono">{formatTimestamp(trace.start)}</span>
      <span class="ellipsis">
        {trace.rootName}
        {trace.rootActor !== undefined && <span class="muted"> · {trace.rootActor}</span>}
      </span>
      <span class="num mono">{formatDuration(trace.durationMs)}</span>
      <span class="num">{trace.actors.length}</span>
      <span class="num">{trace.threads.length}</span>
      <span class="num">{trace.spanCount}</span>
      <span class={trace.errorCount > 0 ? 'num error-count' : 'num muted'}>{trace.errorCount}</span>
      <span class="mono ellipsis" title={orderIds}>
        {orderIds}
      </span>
    </a>
  );
}
