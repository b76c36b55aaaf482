import { useCallback, useEffect, useState } from 'react';
import type { StatusCountsResponse } from '@exam/api';
import { fetchSiteCounts } from './review-api';

/** Dossiers per status of the reviewer's site (null until loaded or when it failed: the list still works). */
export function useSiteCounts() {
  const [counts, setCounts] = useState<StatusCountsResponse['counts'] | null>(null);
  const reload = useCallback(async () => {
    try {
      setCounts((await fetchSiteCounts()).counts);
    } catch {
      setCounts(null);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { counts, reload };
}
