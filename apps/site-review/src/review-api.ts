import type { CandidateListQuery, CandidateListResponse } from '@exam/api';
import { apiFetch } from '@exam/session';

export type ListParams = Partial<Omit<CandidateListQuery, 'limit'>>;

export function toQueryString(params: ListParams & { limit?: number }): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export function fetchSiteCandidates(params: ListParams): Promise<CandidateListResponse> {
  return apiFetch<CandidateListResponse>(`/api/review/site/candidates${toQueryString({ ...params, limit: 50 })}`);
}
