import type { DossierResponse, ImageView } from '@exam/api';

export type ImageWarning = ImageView['warnings'][number];

/**
 * What the pipeline noticed on a READY image (e.g. UNCLEAR 图片可能不清晰). Any code is shown by its label, so a
 * warning added later on the server (MIRRORED …) needs no change here; an answer without the field reads as none.
 */
export function imageWarnings(image: ImageView): ImageWarning[] {
  if (image.state !== 'READY' || !Array.isArray(image.warnings)) return [];
  return image.warnings.filter((w) => typeof w?.label === 'string' && w.label.trim() !== '');
}

/** The candidate can still act on the image (replace it), so its warnings are shown with 重新上传. */
export function warningsActionable(image: ImageView, editable: boolean): boolean {
  return editable && !image.locked && imageWarnings(image).length > 0;
}

export interface OpenWarning {
  categoryCode: string;
  categoryName: string;
  imageId: string;
  /** 1-based place of the image in its category, as the tiles show it */
  position: number;
  code: string;
  label: string;
}

/** Warnings on images the candidate may still replace, in page order: listed once more before 提交审核. */
export function openWarnings(d: DossierResponse): OpenWarning[] {
  return d.categories.flatMap((category) =>
    category.images.flatMap((image, index) =>
      image.locked
        ? []
        : imageWarnings(image).map((w) => ({
            categoryCode: category.code,
            categoryName: category.name,
            imageId: image.id,
            position: index + 1,
            code: w.code,
            label: w.label,
          })),
    ),
  );
}

/** `毕业证书 第1张：图片可能不清晰` */
export function describeWarning(w: OpenWarning): string {
  return `${w.categoryName} 第${w.position}张：${w.label}`;
}
