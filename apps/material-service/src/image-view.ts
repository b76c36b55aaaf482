import type { Image } from '@exam/db';
import type { ImageView } from '@exam/api';
import { candidateWarnings } from '@exam/domain';

export const imageUrl = (id: string, variant: 'thumb' | 'preview' | 'original') => `/api/material/images/${id}/${variant}`;

/** The candidate's view of one image; derivative URLs only once the worker produced them. */
export function toImageView(img: Image, locked: boolean, returnReason: string | null = null): ImageView {
  const ready = img.state === 'READY';
  return {
    id: img.id,
    categoryCode: img.categoryCode,
    state: img.state,
    reason: img.reason,
    warnings: ready ? candidateWarnings(img.warnings) : [],
    locked,
    returnReason,
    thumbUrl: ready && img.thumbKey ? imageUrl(img.id, 'thumb') : null,
    previewUrl: ready && img.previewKey ? imageUrl(img.id, 'preview') : null,
    width: img.width,
    height: img.height,
    sizeBytes: img.sizeBytes,
    uploadedAt: img.uploadedAt.toISOString(),
  };
}
