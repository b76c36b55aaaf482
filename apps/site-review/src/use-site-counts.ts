import type { StatusCountsResponse } from '@exam/api';
import { useApiResource } from '@exam/review-ui';
import { fetchSiteCounts } from './review-api';

/** Dossiers per status of the reviewer's site (null until loaded or when it failed: the list still works). */
export function useSiteCounts() {
  const { data, reload } = useApiResource<StatusCountsResponse>(fetchSiteCounts);
  return { counts: data?.counts ?? null, reload };
}
