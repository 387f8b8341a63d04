import { useEffect, useState } from 'preact/hooks';

/** The page a location hash shows: `#/`, `#/trace/<id>?span=<id>`, `#/actors`, `#/actor/<id>`. */
export type Route =
  | { view: 'traces'; params: URLSearchParams }
  | { view: 'trace'; traceId: string; spanId: string | undefined }
  | { view: 'actors' }
  | { view: 'actor'; actorId: string }
  | { view: 'unknown'; hash: string };

/** A hash typed or pasted by hand may hold a stray `%`: it stays as it is rather than failing the page. */
function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?', 2);
  const params = new URLSearchParams(query);
  const [, view = '', id] = path.split('/').map(decode);
  if (view === '' && id === undefined) return { view: 'traces', params };
  if (view === 'trace' && id) return { view: 'trace', traceId: id, spanId: params.get('span') ?? undefined };
  if (view === 'actors' && id === undefined) return { view: 'actors' };
  if (view === 'actor' && id) return { view: 'actor', actorId: id };
  return { view: 'unknown', hash };
}

export const href = {
  traces: (params?: URLSearchParams): string => {
    const query = params?.toString() ?? '';
    return query === '' ? '#/' : `#/?${query}`;
  },
  trace: (traceId: string, spanId?: string): string =>
    `#/trace/${encodeURIComponent(traceId)}${spanId ? `?span=${encodeURIComponent(spanId)}` : ''}`,
  actors: (): string => '#/actors',
  actor: (actorId: string): string => `#/actor/${encodeURIComponent(actorId)}`,
};

/** Shows another hash without a new history entry (filters being typed, spans being picked). */
export function replaceRoute(hash: string): void {
  if (hash === location.hash) return;
  history.replaceState(history.state, '', hash);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export function useRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = (): void => setHash(location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return parseRoute(hash);
}
