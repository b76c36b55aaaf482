import type { DossierStatus } from './dossier-status.js';

export interface OpenReturnItem {
  imageId: string | null;
  categoryCode: string;
  deadline: Date;
}

export interface LockContext {
  dossierStatus: DossierStatus;
  /** upload window still open (DRAFT edits need it) */
  windowOpen: boolean;
  /** items of the dossier's open return (status RETURNED), if any */
  openReturnItems: readonly OpenReturnItem[];
  now: Date;
}

/**
 * 已锁定 / 未锁定, derived (DESIGN §4): a DRAFT dossier inside the window is unlocked; a RETURNED
 * dossier unlocks only the images/categories named in its return until the return deadline;
 * everything else is locked.
 */
export function isImageLocked(image: { id: string; categoryCode: string }, ctx: LockContext): boolean {
  if (ctx.dossierStatus === 'DRAFT') return !ctx.windowOpen;
  if (ctx.dossierStatus === 'RETURNED') {
    return !ctx.openReturnItems.some(
      (it) =>
        it.deadline.getTime() > ctx.now.getTime() &&
        (it.imageId === image.id || (it.imageId === null && it.categoryCode === image.categoryCode)),
    );
  }
  return true;
}

/** Whether a new image may be added to a category at all. */
export function isCategoryOpen(categoryCode: string, ctx: LockContext): boolean {
  if (ctx.dossierStatus === 'DRAFT') return ctx.windowOpen;
  if (ctx.dossierStatus === 'RETURNED') {
    return ctx.openReturnItems.some((it) => it.deadline.getTime() > ctx.now.getTime() && it.categoryCode === categoryCode);
  }
  return false;
}

/**
 * Whether 上传 is offered for a category: it is open (DRAFT inside the window, or named in an open
 * return) and holds fewer than its maximum of images that count (not REJECTED, not deleted).
 */
export function canAddToCategory(category: { code: string; maxCount: number }, countedImages: number, ctx: LockContext): boolean {
  return isCategoryOpen(category.code, ctx) && countedImages < category.maxCount;
}
