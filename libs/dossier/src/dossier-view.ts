import type { CategoryInfo } from '@exam/api';
import { maskIdNumber, reviewReasonText } from '@exam/domain';
import type { ApplicableCategory } from './catalog.js';

/** A category as it applies to this candidate (its effective minimum), for the candidate's and the reviewers' views. */
export function categoryInfo(c: ApplicableCategory): CategoryInfo {
  return { code: c.code, name: c.name, description: c.description, minCount: c.effectiveMin, maxCount: c.maxCount, required: c.required };
}

/** The masked ID number (120***********1234); an undecryptable value (wrong key, tampered row) is fully masked and logged. */
export function maskedIdNumber(decrypt: (enc: Uint8Array) => string, enc: Uint8Array, logger: { error(obj: object, msg: string): void }): string {
  try {
    return maskIdNumber(decrypt(enc));
  } catch (err) {
    logger.error({ err: (err as Error).message }, 'ID number could not be decrypted');
    return '*'.repeat(18);
  }
}

/** The items of a return as candidates and reviewers read them: which image or category, and why. */
export function returnItemViews(
  items: readonly { imageId: string | null; categoryCode: string; reasonCode: string; reasonText: string | null }[],
  categoryName: (code: string) => string | undefined,
) {
  return items.map((it) => ({
    imageId: it.imageId,
    categoryCode: it.categoryCode,
    categoryName: categoryName(it.categoryCode) ?? it.categoryCode,
    reason: reviewReasonText(it.reasonCode, it.reasonText),
  }));
}
