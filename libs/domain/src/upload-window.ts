import { DomainError } from './errors.js';

export type WindowState = 'NOT_OPEN' | 'OPEN' | 'CLOSED';

export interface UploadWindow {
  start: Date;
  end: Date;
}

/** [start, end): open at start, closed from end on. */
export function windowState(window: UploadWindow, now: Date): WindowState {
  if (now.getTime() < window.start.getTime()) return 'NOT_OPEN';
  if (now.getTime() >= window.end.getTime()) return 'CLOSED';
  return 'OPEN';
}

const BEIJING_OFFSET_MS = 8 * 3600_000; // Asia/Shanghai has no DST since 1991

/**
 * Parses a Beijing wall-clock time `YYYY-MM-DD HH:mm` (24:00 allowed, meaning the end of that day)
 * into an instant. The seed's window is `2026-01-29 10:00` to `2026-02-11 24:00`.
 */
export function parseBeijingTime(text: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) throw new DomainError('INVALID_TIME', `时间格式应为 YYYY-MM-DD HH:mm：${text}`);
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || (h === 24 && mi !== 0)) {
    throw new DomainError('INVALID_TIME', `时间不合法：${text}`);
  }
  const utc = Date.UTC(y, mo - 1, d, h, mi) - BEIJING_OFFSET_MS;
  const date = new Date(utc);
  // reject 2026-02-30 and the like
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCMonth() !== mo - 1) throw new DomainError('INVALID_TIME', `日期不存在：${text}`);
  return date;
}

/** Formats an instant as Beijing wall-clock `YYYY-MM-DD HH:mm`. */
export function formatBeijingTime(date: Date): string {
  const d = new Date(date.getTime() + BEIJING_OFFSET_MS);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** Throws the message a candidate sees when writing outside the window. */
export function assertWindowOpen(window: UploadWindow, now: Date): void {
  const state = windowState(window, now);
  if (state === 'NOT_OPEN') {
    throw new DomainError('WINDOW_NOT_OPEN', `上传尚未开始，开始时间为 ${formatBeijingTime(window.start)}（北京时间）`, 409);
  }
  if (state === 'CLOSED') {
    throw new DomainError('WINDOW_CLOSED', '上传时间已截止，系统已自动锁定，不能再修改或添加材料', 409);
  }
}
