import type { CategoryView, DossierResponse, SubmitResponse } from '@exam/api';
import { apiFetch } from '@exam/session';

/**
 * A category may carry an example image (示例). Not in the @exam/api contract yet: read when present.
 * TODO(contract): add `exampleImageUrl: string | null` to CategoryView.
 */
export type CategoryWithExample = CategoryView & { exampleImageUrl?: string | null };

export const DOSSIER_PATH = '/api/material/dossier';

export function fetchDossier(signal?: AbortSignal): Promise<DossierResponse> {
  return apiFetch<DossierResponse>(DOSSIER_PATH, { signal });
}

/** Uploads go through upload-transport.ts (XMLHttpRequest: progress, idempotency key). */
export function deleteImage(imageId: string): Promise<unknown> {
  return apiFetch<unknown>(`/api/material/images/${encodeURIComponent(imageId)}`, { method: 'DELETE' });
}

export function submitDossier(): Promise<SubmitResponse> {
  return apiFetch<SubmitResponse>(`${DOSSIER_PATH}/submit`, { method: 'POST' });
}
