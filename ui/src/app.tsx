import { useRef } from 'preact/hooks';
import { ActorsPage } from './actor-list.tsx';
import { ActorView } from './actor-view.tsx';
import { ErrorBoundary } from './error-boundary.tsx';
import { type LiveStatus, useLiveStatus } from './live.ts';
import { Empty } from './notice.tsx';
import { href, type Route, useRoute } from './route.ts';
import { TraceList } from './trace-list.tsx';
import { TraceView } from './trace-view.tsx';

export function App() {
  const route = useRoute();
  // Back from a trace returns to the list as it was filtered.
  const listHref = useRef(href.traces());
  if (route.view === 'traces') listHref.current = href.traces(route.params);
  return (
    <>
      <Header route={route} listHref={listHref.current} />
      <main>
        {/* Keyed by page: a page that failed, or another trace or actor, starts afresh. */}
        <ErrorBoundary key={pageKey(route)}>
          <Page route={route} listHref={listHref.current} />
        </ErrorBoundary>
      </main>
    </>
  );
}

const pageKey = (route: Route): string => {
  switch (route.view) {
    case 'trace':
      return `trace ${route.traceId}`;
    case 'actor':
      return `actor ${route.actorId}`;
    default:
      return route.view;
  }
};

function Page({ route, listHref }: { route: Route; listHref: string }) {
  switch (route.view) {
    case 'traces':
      return <TraceList params={route.params} />;
    case 'trace':
      return <TraceView traceId={route.traceId} spanId={route.spanId} listHref={listHref} />;
    case 'actors':
      return <ActorsPage />;
    case 'actor':
      return <ActorView actorId={route.actorId} />;
    case 'unknown':
      return (
        <Empty>
          Nothing at <code>{route.hash}</code>. <a href={href.traces()}>See the traces</a>
        </Empty>
      );
  }
}

const LIVE_TEXT: Record<LiveStatus, { label: string; title: string }> = {
  connecting: { label: 'connecting', title: 'Connecting to the live span stream' },
  live: { label: 'live', title: 'New spans show up as they arrive' },
  polling: { label: 'polling', title: 'The live stream is down: reloading every 2 s' },
};

function Header({ route, listHref }: { route: Route; listHref: string }) {
  const status = useLiveStatus();
  const onTraces = route.view === 'traces' || route.view === 'trace';
  const onActors = route.view === 'actors' || route.view === 'actor';
  return (
    <header class="top">
      <a class="brand" href={listHref}>
        Foxtrot traces
      </a>
      <nav class="top-nav">
        <a href={listHref} class={onTraces ? 'current' : undefined}>
          Traces
        </a>
        <a href={href.actors()} class={onActors ? 'current' : undefined}>
          Actors
        </a>
      </nav>
      <span class={`live live-${status}`} title={LIVE_TEXT[status].title} data-testid="live-status">
        {LIVE_TEXT[status].label}
      </span>
    </header>
  );
}
