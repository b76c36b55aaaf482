import type { CandidateListQuery, CandidateListResponse } from '@exam/api';
import { apiFetch, withQuery } from '@exam/session';

export type ListParams = Partial<Omit<CandidateListQuery, 'limit'>>;

export function fetchSiteCandidates(params: ListParams): Promise<CandidateListResponse> {
  return apiFetch<CandidateListResponse>(withQuery('/api/review/site/candidates', { ...params, limit: 50 }));
}
