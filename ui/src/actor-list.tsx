import { useMemo } from 'preact/hooks';
import { type ActorSummary, actorsPath } from './api.ts';
import { formatTimestamp } from './format.ts';
import { Empty, ErrorNotice, Loading } from './notice.tsx';
import { href } from './route.ts';
import { useApi } from './use-api.ts';

function useActors(): { actors: ActorSummary[] | undefined; error: string | undefined } {
  const { data, error } = useApi<{ actors: ActorSummary[] }>(actorsPath);
  const actors = useMemo(() => data?.actors.slice().sort((a, b) => a.id.localeCompare(b.id)), [data]);
  return { actors, error };
}

const NO_ACTORS = 'No actors yet: they appear once a node sends the spans of the messages its actors handle.';

/** Every actor the traces mention, with how busy it was and how often it restarted. */
export function ActorsPage() {
  const { actors, error } = useActors();
  return (
    <section class="page">
      <h2>Actors</h2>
      {error !== undefined && <ErrorNotice title="Could not load the actors:" message={error} />}
      {actors === undefined ? (
        error === undefined && <Loading what="actors" />
      ) : actors.length === 0 ? (
        <Empty>{NO_ACTORS}</Empty>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>Actor</th>
              <th>Kind</th>
              <th>Last seen</th>
              <th class="num">Spans</th>
              <th class="num">Restarts</th>
            </tr>
          </thead>
          <tbody>
            {actors.map((actor) => (
              <tr key={actor.id}>
                <td class="mono">
                  <a href={href.actor(actor.id)}>{actor.id}</a>
                </td>
                <td>{actor.kind ?? ''}</td>
                <td class="mono">{formatTimestamp(actor.lastSeen)}</td>
                <td class="num">{actor.spans}</td>
                <td class={actor.restarts > 0 ? 'num error-count' : 'num muted'}>{actor.restarts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The actors as a side list, to move from one actor to another. */
export function ActorNav({ current }: { current: string }) {
  const { actors, error } = useActors();
  return (
    <nav class="actor-nav" aria-label="Actors">
      <h3>Actors</h3>
      {error !== undefined && <p class="error-text">{error}</p>}
      <ul>
        {(actors ?? []).map((actor) => (
          <li key={actor.id}>
            <a
              href={href.actor(actor.id)}
              class={actor.id === current ? 'mono current' : 'mono'}
              aria-current={actor.id === current ? 'page' : undefined}
            >
              {actor.id}
            </a>
            {actor.restarts > 0 && <span class="error-count"> ↻{actor.restarts}</span>}
          </li>
        ))}
      </ul>
    </nav>
  );
}
