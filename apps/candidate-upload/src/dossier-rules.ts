import type { CategoryView, DossierResponse } from '@exam/api';

/** Images that count toward a category's limits (a rejected upload does not). */
export function activeImages(category: CategoryView) {
  return category.images.filter((image) => image.state !== 'REJECTED');
}

/** Whether the candidate may change anything at all (the server re-checks every write). */
export function dossierEditable(d: DossierResponse): boolean {
  if (d.dossier.status === 'DRAFT') return d.examYear.windowState === 'OPEN';
  // After a return the named images/categories unlock until the return deadline, even after the window;
  // once the return is closed (openReturn null) or a result is published, everything is read-only.
  return d.dossier.status === 'RETURNED' && d.openReturn !== null && d.result === null;
}

/**
 * 上传 is offered where the server says the category is open and has room (draft inside the window, or
 * named in an open return), counting the uploads of this page still on their way; the server re-checks every upload.
 */
export function canUploadTo(d: DossierResponse, category: CategoryView, inFlight = 0): boolean {
  return dossierEditable(d) && category.canUpload && activeImages(category).length + inFlight < category.maxCount;
}

/**
 * Whether 重新上传 of `image` must delete it before the new upload is sent: only when the category would
 * otherwise be over its limit (the old image then makes room). Otherwise the new image is stored first and
 * the old one deleted after, so a failed upload never leaves the candidate with neither.
 */
export function replaceDeletesFirst(category: CategoryView, image: { state: string }, inFlight = 0): boolean {
  // a rejected image does not count, so deleting it first would make no room
  return image.state !== 'REJECTED' && activeImages(category).length + inFlight >= category.maxCount;
}

/** Required categories below their minimum count of valid images. */
export function missingCategories(d: DossierResponse): CategoryView[] {
  return d.categories.filter(
    (c) => c.minCount > 0 && c.images.filter((image) => image.state === 'READY').length < c.minCount,
  );
}

export function hasProcessing(d: DossierResponse): boolean {
  return d.categories.some((c) => c.images.some((image) => image.state === 'PROCESSING'));
}

const shanghai = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** `2026-01-29 10:00` in Beijing time; an end at midnight reads as the previous day's 24:00, as the manual writes it. */
export function formatWindowTime(iso: string, isEnd = false): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = Object.fromEntries(shanghai.formatToParts(date).map((p) => [p.type, p.value]));
  if (isEnd && parts.hour === '00' && parts.minute === '00') {
    const before = Object.fromEntries(shanghai.formatToParts(new Date(date.getTime() - 60_000)).map((p) => [p.type, p.value]));
    return `${before.year}-${before.month}-${before.day} 24:00`;
  }
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}
