import { type CatalogEntry, validateCatalogEntry } from './catalog.js';
import { DomainError } from './errors.js';
import { windowState, type UploadWindow } from './upload-window.js';

/**
 * Administration rules of exam years and their catalog (Attachment 1): window validity, when a window edit must be
 * confirmed, the 提示 notices, the 材料说明 PDF check, and what may happen to a category that already holds images.
 */

const BEIJING_OFFSET_MS = 8 * 3600_000;

/** An instant as the candidate manual writes it, in Beijing time: `2026年2月11日24:00` (midnight = previous day 24:00). */
export function formatManualBeijingTime(date: Date): string {
  const d = new Date(date.getTime() + BEIJING_OFFSET_MS);
  const midnight = d.getUTCHours() === 0 && d.getUTCMinutes() === 0;
  const day = midnight ? new Date(d.getTime() - 86_400_000) : d;
  const clock = midnight ? '24:00' : `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return `${day.getUTCFullYear()}年${day.getUTCMonth() + 1}月${day.getUTCDate()}日${clock}`;
}

/** A window must end after it starts and may not last longer than a year. */
export function assertValidWindow(window: UploadWindow): void {
  if (window.end.getTime() <= window.start.getTime()) {
    throw new DomainError('WINDOW_INVALID', `上传截止时间（${formatManualBeijingTime(window.end)}）必须晚于开始时间（${formatManualBeijingTime(window.start)}）`, 400);
  }
  if (window.end.getTime() - window.start.getTime() > 366 * 86_400_000) {
    throw new DomainError('WINDOW_INVALID', '上传时间段不能超过一年', 400);
  }
}

export interface WindowChange {
  /** Chinese description of what changes, e.g. 截止时间由 2026年2月11日24:00 改为 2026年2月12日24:00 */
  description: string;
  /** the window of the year has already opened (now >= its current start): the edit must be confirmed */
  needsConfirm: boolean;
}

/** What a window edit changes, and whether it touches a window that has already opened (null: nothing changes). */
export function describeWindowChange(before: UploadWindow, after: UploadWindow, now: Date): WindowChange | null {
  const parts: string[] = [];
  if (before.start.getTime() !== after.start.getTime()) {
    parts.push(`开始时间由 ${formatManualBeijingTime(before.start)} 改为 ${formatManualBeijingTime(after.start)}`);
  }
  if (before.end.getTime() !== after.end.getTime()) {
    parts.push(`截止时间由 ${formatManualBeijingTime(before.end)} 改为 ${formatManualBeijingTime(after.end)}`);
  }
  if (parts.length === 0) return null;
  return { description: parts.join('；'), needsConfirm: windowState(before, now) !== 'NOT_OPEN' };
}

/** Throws 409 WINDOW_CHANGE_NEEDS_CONFIRM when an opened window is changed without an explicit confirmation. */
export function assertWindowChangeConfirmed(change: WindowChange | null, confirmed: boolean): void {
  if (change?.needsConfirm && !confirmed) {
    throw new DomainError(
      'WINDOW_CHANGE_NEEDS_CONFIRM',
      `上传时间已开始，修改将影响正在上传的考生：${change.description}。请确认后再保存。`,
      409,
      { change: change.description },
    );
  }
}

/** Limits of the 提示 notices shown on the candidate page. */
export const NOTICE_LIMITS = { paragraphs: 20, charsPerParagraph: 500 } as const;

/** Trims the paragraphs, drops empty ones and checks the limits. */
export function normalizeNotices(paragraphs: readonly string[]): string[] {
  const out = paragraphs.map((p) => p.trim()).filter((p) => p.length > 0);
  if (out.length > NOTICE_LIMITS.paragraphs) {
    throw new DomainError('NOTICES_INVALID', `提示最多 ${NOTICE_LIMITS.paragraphs} 段，当前 ${out.length} 段`, 400);
  }
  const long = out.findIndex((p) => p.length > NOTICE_LIMITS.charsPerParagraph);
  if (long >= 0) throw new DomainError('NOTICES_INVALID', `第 ${long + 1} 段提示超过 ${NOTICE_LIMITS.charsPerParagraph} 字`, 400);
  return out;
}

/** Largest 材料说明 PDF accepted. */
export const MAX_GUIDE_PDF_BYTES = 5 * 1024 * 1024;

/** A PDF by its bytes: starts with `%PDF-` and has an `%%EOF` marker in its last kilobyte. */
export function isPdf(bytes: Uint8Array): boolean {
  if (bytes.length < 16) return false;
  const latin1 = (b: Uint8Array) => Array.from(b, (c) => String.fromCharCode(c)).join('');
  const head = latin1(bytes.subarray(0, 5));
  const tail = latin1(bytes.subarray(Math.max(0, bytes.length - 1024)));
  return head === '%PDF-' && tail.includes('%%EOF');
}

export function assertGuidePdf(bytes: Uint8Array): void {
  if (bytes.length === 0) throw new DomainError('GUIDE_EMPTY', '文件为空，请重新选择材料说明 PDF', 400);
  if (bytes.length > MAX_GUIDE_PDF_BYTES) throw new DomainError('GUIDE_TOO_LARGE', '材料说明 PDF 不能超过 5MB', 413);
  if (!isPdf(bytes)) throw new DomainError('GUIDE_NOT_PDF', '文件不是有效的 PDF，请上传 PDF 格式的材料说明', 400);
}

/** A category that holds (or ever held) an image cannot be deleted, only hidden for new uploads. */
export function assertCategoryDeletable(category: { name: string }, imagesEverReferencing: number): void {
  if (imagesEverReferencing > 0) {
    throw new DomainError(
      'CATEGORY_HAS_IMAGES',
      `「${category.name}」已有考生上传的图片（${imagesEverReferencing} 张），不能删除；可将其设为隐藏，不再接收新的上传`,
      409,
    );
  }
}

/** The candidate page shows a hidden category only when it already holds images of that candidate. */
export function hiddenCategoryVisible(hidden: boolean, imagesOfCandidate: number): boolean {
  return !hidden || imagesOfCandidate > 0;
}

export function assertCategoryAcceptsUploads(category: { name: string; hidden: boolean }): void {
  if (category.hidden) throw new DomainError('CATEGORY_HIDDEN', `「${category.name}」已停止接收新的上传`, 409);
}

export interface CatalogRowProblem {
  /** 1-based row of the file */
  row: number;
  code: string | null;
  message: string;
}

/** Every entry valid and every code unique; returns all problems (empty: the catalog may be loaded). */
export function catalogProblems(entries: readonly CatalogEntry[]): CatalogRowProblem[] {
  const problems: CatalogRowProblem[] = [];
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    const row = i + 1;
    try {
      validateCatalogEntry(e);
    } catch (err) {
      problems.push({ row, code: e.code || null, message: err instanceof DomainError ? err.message : String(err) });
      return;
    }
    const first = seen.get(e.code);
    if (first !== undefined) problems.push({ row, code: e.code, message: `材料代码 ${e.code} 与第 ${first} 行重复` });
    else seen.set(e.code, row);
  });
  if (entries.length === 0) problems.push({ row: 0, code: null, message: '目录中没有任何材料类别' });
  return problems;
}

/** Once the deadline worker locked the year's dossiers, its window can no longer move. */
export function assertWindowStillEditable(deadlineProcessedAt: Date | null, change: WindowChange | null): void {
  if (change && deadlineProcessedAt) {
    throw new DomainError('WINDOW_LOCKED', '该年度的上传已截止并完成锁定处理，不能再修改上传时间', 409);
  }
}
