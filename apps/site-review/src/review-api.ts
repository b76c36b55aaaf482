import type { CandidateListQuery, CandidateListResponse, StatusCountsResponse } from '@exam/api';
import { apiFetch, withQuery } from '@exam/session';

export type ListParams = Partial<Omit<CandidateListQuery, 'limit'>>;

/** The site reviewer's own site, oldest submission first. */
export function fetchSiteCandidates(params: ListParams): Promise<CandidateListResponse> {
  return apiFetch<CandidateListResponse>(withQuery('/api/review/site/candidates', { ...params, limit: 50 }));
}

export function fetchSiteCounts(): Promise<StatusCountsResponse> {
  return apiFetch<StatusCountsResponse>('/api/review/site/counts');
}
