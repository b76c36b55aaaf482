import type {
  CandidateListResponse,
  IdNumberResponse,
  ReviewDecisionRequest,
  ReviewDecisionResponse,
  ReviewDossierResponse,
  ReviewLevel,
} from '@exam/api';
import { apiFetch, withQuery } from '@exam/session';
import { QUEUE_STATUS } from './next-dossier';

const dossierPath = (dossierId: string) => `/api/review/dossiers/${encodeURIComponent(dossierId)}`;

export function fetchReviewDossier(dossierId: string, signal?: AbortSignal): Promise<ReviewDossierResponse> {
  return apiFetch<ReviewDossierResponse>(dossierPath(dossierId), signal ? { signal } : {});
}

export function postReviewDecision(dossierId: string, body: ReviewDecisionRequest): Promise<ReviewDecisionResponse> {
  return apiFetch<ReviewDecisionResponse>(`${dossierPath(dossierId)}/decision`, { method: 'POST', json: body });
}

/** The full ID number: an explicit, audited read (查看完整证件号). */
export function revealIdNumber(dossierId: string): Promise<IdNumberResponse> {
  return apiFetch<IdNumberResponse>(`${dossierPath(dossierId)}/id-number`, { method: 'POST', json: {} });
}

/** The head of the level's queue (oldest submission first): enough to pick the next dossier. */
export function fetchQueueHead(level: ReviewLevel): Promise<CandidateListResponse> {
  const path = level === 'SITE' ? '/api/review/site/candidates' : '/api/review/district/candidates';
  return apiFetch<CandidateListResponse>(withQuery(path, { status: QUEUE_STATUS[level], limit: 2 }));
}
