import type {
  CandidateListQuery,
  CandidateListResponse,
  DistrictProgressResponse,
  PublicationStatusResponse,
  PublishResponse,
  StatusCountsResponse,
} from '@exam/api';
import { apiFetch, withQuery } from '@exam/session';

export type ListParams = Partial<Omit<CandidateListQuery, 'limit'>>;

export function fetchDistrictCandidates(params: ListParams): Promise<CandidateListResponse> {
  return apiFetch<CandidateListResponse>(withQuery('/api/review/district/candidates', { ...params, limit: 50 }));
}

export function fetchDistrictProgress(): Promise<DistrictProgressResponse> {
  return apiFetch<DistrictProgressResponse>('/api/review/district/progress');
}

export function fetchDistrictCounts(siteId?: string): Promise<StatusCountsResponse> {
  return apiFetch<StatusCountsResponse>(withQuery('/api/review/district/counts', { siteId }));
}

export function fetchPublication(): Promise<PublicationStatusResponse> {
  return apiFetch<PublicationStatusResponse>('/api/review/district/publication');
}

/** 发布结果: `confirmOpen` must equal the number still open when any is. */
export function publishResults(confirmOpen: number): Promise<PublishResponse> {
  return apiFetch<PublishResponse>('/api/review/district/publish', { method: 'POST', json: { confirmOpen } });
}
