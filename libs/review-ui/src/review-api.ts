import type {
  IdNumberResponse,
  QueueNextResponse,
  ReviewDecisionRequest,
  ReviewDecisionResponse,
  ReviewDossierResponse,
} from '@exam/api';
import { apiFetch } from '@exam/session';

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

/**
 * The next dossier of the reviewer's queue, kept for them for a few minutes so that colleagues working through the same
 * queue are handed other ones (`skip`: the dossier being left). null: nothing waits.
 */
export async function claimNextDossier(skip?: string): Promise<string | null> {
  const res = await apiFetch<QueueNextResponse>('/api/review/queue/next', { method: 'POST', json: skip ? { skip } : {} });
  return res.dossierId;
}
