import type { CategoryView, DossierResponse, SubmitResponse } from '@exam/api';
import { apiFetch } from '@exam/session';

/** A category with its 示例 example image (CategoryView.exampleImageUrl, null when the district set none). */
export type CategoryWithExample = CategoryView;

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
