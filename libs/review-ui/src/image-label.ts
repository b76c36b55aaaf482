import type { ReviewCategoryView, ReviewImageView } from '@exam/api';

export interface ImageEntry {
  image: ReviewImageView;
  category: ReviewCategoryView;
  /** 1-based position inside its category */
  position: number;
  /** 有效身份证明（正反面） 第 2 张 */
  label: string;
}

/** Every image of the dossier with its category and a readable label, keyed by id. */
export function indexImages(categories: readonly ReviewCategoryView[]): Map<string, ImageEntry> {
  const map = new Map<string, ImageEntry>();
  for (const category of categories) {
    category.images.forEach((image, i) => {
      map.set(image.id, { image, category, position: i + 1, label: `${category.name} 第 ${i + 1} 张` });
    });
  }
  return map;
}
