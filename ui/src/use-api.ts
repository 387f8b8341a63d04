import { useEffect, useRef, useState } from 'preact/hooks';
import { fetchText } from './api.ts';
import { onRefresh } from './live.ts';

export interface ApiResult<T> {
  /**
   * The last good answer: kept while a reload fails, and while another key loads (a list being filtered does
   * not blink). Pages that must not show another resource's data are remounted per resource.
   */
  data: T | undefined;
  error: string | undefined;
  /** True until the first answer (or failure) for this key. */
  loading: boolean;
}

interface Loaded<T> {
  key: string;
  data: T | undefined;
  error: string | undefined;
}

/**
 * Loads a JSON resource and reloads it whenever new spans may have arrived. `key` names the resource;
 * `pathOf` gives the path at each load (a time range relative to now moves with the clock). An unchanged
 * answer keeps the same object, so a reload of a large trace that did not change costs no render.
 */
export function useApi<T>(key: string, pathOf: () => string = () => key): ApiResult<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ key: '', data: undefined, error: undefined });
  const path = useRef(pathOf);
  path.current = pathOf;

  useEffect(() => {
    const controller = new AbortController();
    let lastText: string | undefined;
    let busy = false;
    let again = false;
    const load = async (): Promise<void> => {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        const text = await fetchText(path.current(), controller.signal);
        if (text !== lastText) {
          const data = JSON.parse(text) as T;
          lastText = text;
          setLoaded({ key, data, error: undefined });
        } else {
          setLoaded((previous) =>
            previous.error === undefined ? previous : { ...previous, error: undefined },
          );
        }
      } catch (error) {
        if (controller.signal.aborted) return;
        const message = error instanceof Error ? error.message : String(error);
        setLoaded((previous) => ({ key, data: previous.data, error: message }));
      } finally {
        busy = false;
      }
      if (again && !controller.signal.aborted) {
        again = false;
        void load();
      }
    };
    void load();
    const unsubscribe = onRefresh(() => void load());
    return () => {
      controller.abort();
      unsubscribe();
    };
  }, [key]);

  const current = loaded.key === key;
  return { data: loaded.data, error: current ? loaded.error : undefined, loading: !current };
}
