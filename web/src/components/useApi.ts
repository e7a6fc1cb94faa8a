// Loads one API resource for a screen, with loading and error states and a reload (also used for polling).
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

export function useApi<T>(path: string | null, query?: Record<string, string | number | undefined | null>, pollMs?: number): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  const key = JSON.stringify([path, query]);
  const lastKey = useRef(key);

  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    // A different resource starts from scratch; a reload of the same one keeps showing what it has.
    if (lastKey.current !== key) {
      lastKey.current = key;
      setData(undefined);
    }
    setLoading(true);
    api<T>(path, { ...(query ? { query } : {}), signal: controller.signal })
      .then((d) => { setData(d); setError(undefined); })
      .catch((e: unknown) => { if (!controller.signal.aborted) setError(e); })
      .finally(() => { if (!controller.signal.aborted) setLoading(false); });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick]);

  useEffect(() => {
    if (!pollMs || path === null) return;
    const timer = setInterval(() => setTick((t) => t + 1), pollMs);
    return () => clearInterval(timer);
  }, [pollMs, path]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}
