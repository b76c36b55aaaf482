import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReviewDossierResponse } from '@exam/api';
import { isApiClientError } from '@exam/session';
import { fetchReviewDossier } from './review-api';

export const describeError = (e: unknown) => (isApiClientError(e) ? e.message : '加载失败，请稍后重试');

/**
 * A GET the screen shows with loading / error / 重试: a newer `load` (or reload) wins over an older answer, and the
 * data is cleared when `load` changes (another dossier), so a screen never shows the previous object's data.
 */
export function useApiResource<T>(load: () => Promise<T>) {
  const [data, setData] = useState<T | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    setError(null);
    try {
      const next = await load();
      if (mine === generation.current) setData(next);
    } catch (e) {
      if (mine === generation.current) setError(describeError(e));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [load]);
  useEffect(() => {
    setData(null);
    void reload();
    return () => {
      generation.current++;
    };
  }, [reload]);
  return { data, loading, error, reload };
}

/** One dossier for review; `reload` fetches it again (after another reviewer acted, or after a failure). */
export function useReviewDossier(dossierId: string) {
  const load = useCallback(() => fetchReviewDossier(dossierId), [dossierId]);
  return useApiResource<ReviewDossierResponse>(load);
}
