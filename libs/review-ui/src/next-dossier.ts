import type { CandidateListItem, DossierStatus, ReviewLevel } from '@exam/api';

/** The queue a reviewer of each level works through. */
export const QUEUE_STATUS: Record<ReviewLevel, DossierStatus> = { SITE: 'PENDING_SITE', DISTRICT: 'PENDING_DISTRICT' };

/**
 * The dossier to open after a decision: the first of the queue's head (oldest submission first) that is still
 * waiting at this level and is not the one just decided (the list may not have caught up yet). null: queue empty.
 */
export function chooseNextDossier(head: readonly Pick<CandidateListItem, 'dossierId' | 'status'>[], currentId: string, level: ReviewLevel): string | null {
  const next = head.find((item) => item.dossierId !== currentId && item.status === QUEUE_STATUS[level]);
  return next?.dossierId ?? null;
}
