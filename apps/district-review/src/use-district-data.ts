import { useCallback } from 'react';
import type { PublicationStatusResponse, SiteProgress, StatusCountsResponse } from '@exam/api';
import { useApiResource } from '@exam/review-ui';
import { fetchDistrictCounts, fetchDistrictProgress, fetchPublication } from './review-api';

export { describeError } from '@exam/review-ui';

export function useDistrictProgress() {
  const { data, ...rest } = useApiResource(fetchDistrictProgress);
  return { sites: (data?.sites ?? []) as SiteProgress[], ...rest };
}

export function usePublication() {
  return useApiResource<PublicationStatusResponse>(fetchPublication);
}

/** Dossiers per status in the district, or of one site. */
export function useDistrictCounts(siteId: string | undefined) {
  const load = useCallback(() => fetchDistrictCounts(siteId), [siteId]);
  const { data } = useApiResource<StatusCountsResponse>(load);
  return data?.counts ?? null;
}
