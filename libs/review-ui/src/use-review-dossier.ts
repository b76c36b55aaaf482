import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReviewDossierResponse } from '@exam/api';
import { isApiClientError } from '@exam/session';
import { fetchReviewDossier } from './review-api';

export const describeError = (e: unknown) => (isApiClientError(e) ? e.message : '加载失败，请稍后重试');

/** One dossier for review; `reload` fetches it again (after another reviewer acted, or after a failure). */
export function useReviewDossier(dossierId: string) {
  const [data, setData] = useState<ReviewDossierResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    setError(null);
    try {
      const next = await fetchReviewDossier(dossierId);
      if (mine === generation.current) setData(next);
    } catch (e) {
      if (mine === generation.current) setError(describeError(e));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [dossierId]);

  useEffect(() => {
    setData(null);
    void reload();
    return () => {
      generation.current++;
    };
  }, [reload]);

  return { data, error, loading, reload };
}
