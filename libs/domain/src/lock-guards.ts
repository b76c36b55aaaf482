import { DomainError } from './errors.js';
import { isCategoryOpen, isImageLocked, type LockContext } from './image-lock.js';

/** Refuses any change to a locked image (server-side; the UI only mirrors it). */
export function assertImageUnlocked(image: { id: string; categoryCode: string }, ctx: LockContext): void {
  if (isImageLocked(image, ctx)) throw new DomainError('IMAGE_LOCKED', '图片已锁定，不能修改', 409);
}

/** Refuses a new image in a category that is not open (submitted dossier, or not named in the return). */
export function assertCategoryOpen(category: { code: string; name: string }, ctx: LockContext): void {
  if (!isCategoryOpen(category.code, ctx)) {
    throw new DomainError('CATEGORY_LOCKED', `「${category.name}」已锁定，不能再上传或修改`, 409);
  }
}
