import type { CandidateListQuery, CandidateListResponse, DistrictProgressResponse } from '@exam/api';
import { apiFetch, withQuery } from '@exam/session';

export type ListParams = Partial<Omit<CandidateListQuery, 'limit'>>;

export function fetchDistrictCandidates(params: ListParams): Promise<CandidateListResponse> {
  return apiFetch<CandidateListResponse>(withQuery('/api/review/district/candidates', { ...params, limit: 50 }));
}

export function fetchDistrictProgress(): Promise<DistrictProgressResponse> {
  return apiFetch<DistrictProgressResponse>('/api/review/district/progress');
}
