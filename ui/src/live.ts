import { useEffect, useState } from 'preact/hooks';
import { eventsPath } from './api.ts';

/** `live`: the server pushes span notices; `polling`: the event stream failed, so everything reloads every 2 s. */
export type LiveStatus = 'connecting' | 'live' | 'polling';

const REFRESH_DELAY_MS = 500;
const POLL_INTERVAL_MS = 2000;

const refreshListeners = new Set<() => void>();
const statusListeners = new Set<(status: LiveStatus) => void>();
let status: LiveStatus = 'connecting';

/** Calls `listener` whenever new spans may have arrived; returns the unsubscribe. */
export function onRefresh(listener: () => void): () => void {
  refreshListeners.add(listener);
  return () => refreshListeners.delete(listener);
}

function refresh(): void {
  for (const listener of refreshListeners) listener();
}

function setStatus(next: LiveStatus): void {
  status = next;
  for (const listener of statusListeners) listener(next);
}

export function useLiveStatus(): LiveStatus {
  const [current, setCurrent] = useState(status);
  useEffect(() => {
    statusListeners.add(setCurrent);
    setCurrent(status);
    return () => statusListeners.delete(setCurrent);
  }, []);
  return current;
}

/**
 * Listens to the server's span notices. Bursts of notices make one refresh at most every 500 ms (a refresh per
 * notice would reload a large trace dozens of times a second). While the stream is down the browser keeps
 * reconnecting it, and the pages poll meanwhile.
 */
export function startLive(): void {
  let pending: ReturnType<typeof setTimeout> | undefined;
  let poller: ReturnType<typeof setInterval> | undefined;
  const refreshSoon = (): void => {
    if (pending !== undefined) return;
    pending = setTimeout(() => {
      pending = undefined;
      refresh();
    }, REFRESH_DELAY_MS);
  };
  const poll = (): void => {
    poller ??= setInterval(refresh, POLL_INTERVAL_MS);
    setStatus('polling');
  };
  if (typeof EventSource === 'undefined') {
    poll();
    return;
  }
  const source = new EventSource(eventsPath);
  source.addEventListener('spans', refreshSoon);
  source.addEventListener('error', poll);
  source.addEventListener('open', () => {
    if (poller !== undefined) {
      clearInterval(poller);
      poller = undefined;
      // Spans stored while the stream was down were announced to nobody.
      refresh();
    }
    setStatus('live');
  });
}
