import { useCallback, useEffect, useRef, useState } from 'react';
import type { PublicationStatusResponse, SiteProgress, StatusCountsResponse } from '@exam/api';
import { isApiClientError } from '@exam/session';
import { fetchDistrictCounts, fetchDistrictProgress, fetchPublication } from './review-api';

export const describeError = (e: unknown) => (isApiClientError(e) ? e.message : '加载失败，请稍后重试');

/** A GET that the screen shows with loading / error / 重试. */
function useLoad<T>(load: () => Promise<T>) {
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
    void reload();
  }, [reload]);
  return { data, loading, error, reload };
}

export function useDistrictProgress() {
  const { data, ...rest } = useLoad(fetchDistrictProgress);
  return { sites: (data?.sites ?? []) as SiteProgress[], ...rest };
}

export function usePublication() {
  return useLoad<PublicationStatusResponse>(fetchPublication);
}

/** Dossiers per status in the district, or of one site. */
export function useDistrictCounts(siteId: string | undefined) {
  const load = useCallback(() => fetchDistrictCounts(siteId), [siteId]);
  const { data } = useLoad<StatusCountsResponse>(load);
  return data?.counts ?? null;
}
