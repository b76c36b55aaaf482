import { useCallback, useState } from 'react';
import type { ReviewDecisionRequest, ReviewDecisionResponse } from '@exam/api';
import { isApiClientError } from '@exam/session';
import { claimNextDossier, postReviewDecision } from './review-api';

/** Another reviewer (or the candidate, or a deadline) changed the dossier first. */
export function isConflict(e: unknown): boolean {
  return isApiClientError(e) && e.status === 409 && (e.code === 'CONFLICT' || e.code === 'INVALID_TRANSITION');
}

export type DecisionOutcome =
  | { ok: true; response: ReviewDecisionResponse; nextDossierId: string | null }
  | { ok: false; conflict: boolean; message: string };

/** Sends a decision, then takes the next dossier of the reviewer's queue (kept for them, not for a colleague). */
export function useReviewDecision(dossierId: string) {
  const [submitting, setSubmitting] = useState(false);

  const submit = useCallback(
    async (body: ReviewDecisionRequest): Promise<DecisionOutcome> => {
      setSubmitting(true);
      try {
        const response = await postReviewDecision(dossierId, body);
        let nextDossierId: string | null = null;
        try {
          nextDossierId = await claimNextDossier(dossierId);
        } catch {
          nextDossierId = null; // the decision is saved; the list will show what is left
        }
        return { ok: true, response, nextDossierId };
      } catch (e) {
        return { ok: false, conflict: isConflict(e), message: isApiClientError(e) ? e.message : '提交失败，请稍后重试' };
      } finally {
        setSubmitting(false);
      }
    },
    [dossierId],
  );

  return { submit, submitting };
}
