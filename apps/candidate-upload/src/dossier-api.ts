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

export function deleteImage(imageId: string): Promise<unknown> {
  return apiFetch<unknown>(`/api/material/images/${encodeURIComponent(imageId)}`, { method: 'DELETE' });
}

/** multipart: categoryCode first (so the server knows the category before the file streams), then file. */
export function uploadImage(categoryCode: string, file: File): Promise<unknown> {
  const form = new FormData();
  form.set('categoryCode', categoryCode);
  form.set('file', file, file.name);
  return apiFetch<unknown>('/api/material/images', { method: 'POST', body: form });
}

export function submitDossier(): Promise<SubmitResponse> {
  return apiFetch<SubmitResponse>(`${DOSSIER_PATH}/submit`, { method: 'POST' });
}
