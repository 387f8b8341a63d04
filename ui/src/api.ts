/** The trace viewer's JSON API (same origin). All times are milliseconds since the epoch. */

export type {
  ActorHistory,
  ActorRestart,
  ActorState,
  ActorSummary,
  SpanEvent,
  SpanKindName as SpanKind,
  SpanView,
  TraceDetail,
  TraceSummary,
} from '../../src/traces/api-types.ts';

export interface TraceQuery {
  q?: string;
  actor?: string;
  type?: string;
  instrument?: string;
  errors?: boolean;
  from?: number;
  to?: number;
  limit?: number;
}

export function tracesPath(query: TraceQuery): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === '' || value === false) continue;
    params.set(name, value === true ? '1' : String(value));
  }
  const search = params.toString();
  return search === '' ? '/api/traces' : `/api/traces?${search}`;
}

export const tracePath = (traceId: string): string => `/api/traces/${encodeURIComponent(traceId)}`;

export const actorsPath = '/api/actors';

export const actorPath = (actorId: string, limit = 200): string =>
  `/api/actors/${encodeURIComponent(actorId)}?limit=${limit}`;

export const eventsPath = '/api/events';

/** Fetches a path and returns its body as text, or throws an Error that says what went wrong. */
export async function fetchText(path: string, signal: AbortSignal): Promise<string> {
  let response: Response;
  try {
    response = await fetch(path, { signal, headers: { accept: 'application/json' } });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new Error(`cannot reach the server (${(error as Error).message})`);
  }
  const body = await response.text();
  if (!response.ok) throw new Error(`${response.status} ${response.statusText}: ${errorOf(body)}`);
  return body;
}

function errorOf(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) return String(parsed.error);
  } catch {
    // Not JSON: the body itself is the best description.
  }
  return body.slice(0, 200) || 'no details';
}
