import { DomainError } from './errors.js';

export interface ReturnedItem {
  /** the image sent back, or null when a whole category was asked for */
  imageId: string | null;
  categoryCode: string;
  categoryName: string;
}

export interface DossierImageFact {
  id: string;
  categoryCode: string;
  state: 'PROCESSING' | 'READY' | 'REJECTED';
  uploadedAt: Date;
  deletedAt: Date | null;
}

/**
 * Return items the candidate has not answered yet. An item is answered by a READY image of its
 * category uploaded after the return was made (deleting the returned image and uploading a new one,
 * or adding a newer image to the category); each new image answers one item of its category.
 * A newer image still PROCESSING does not answer an item yet.
 */
export function unresolvedReturnItems<T extends ReturnedItem>(
  items: readonly T[],
  images: readonly DossierImageFact[],
  returnedAt: Date,
): T[] {
  const fresh = new Map<string, number>();
  for (const img of images) {
    if (img.deletedAt || img.state !== 'READY' || img.uploadedAt.getTime() <= returnedAt.getTime()) continue;
    fresh.set(img.categoryCode, (fresh.get(img.categoryCode) ?? 0) + 1);
  }
  const open: T[] = [];
  for (const it of items) {
    const left = fresh.get(it.categoryCode) ?? 0;
    if (left > 0) fresh.set(it.categoryCode, left - 1);
    else open.push(it);
  }
  return open;
}

/** 提交审核 after a return: only before the return deadline and when every returned item was replaced. */
export function assertCanResubmit(args: {
  items: readonly ReturnedItem[];
  images: readonly DossierImageFact[];
  returnedAt: Date;
  deadline: Date;
  now: Date;
}): void {
  if (args.now.getTime() >= args.deadline.getTime()) {
    throw new DomainError('RETURN_EXPIRED', '补充材料的截止时间已过，不能再提交', 409);
  }
  const open = unresolvedReturnItems(args.items, args.images, args.returnedAt);
  if (open.length) {
    const names = [...new Set(open.map((i) => `「${i.categoryName}」`))];
    throw new DomainError('RETURN_INCOMPLETE', `以下退回的材料尚未重新上传有效图片：${names.join('、')}`, 409, {
      categories: [...new Set(open.map((i) => i.categoryCode))],
    });
  }
}
