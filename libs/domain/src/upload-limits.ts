import { DomainError } from './errors.js';

/**
 * Upload abuse limits (hardening item 6). Every upload a candidate makes counts — also one later deleted or
 * rejected by the image worker — so one account cannot fill the disk by uploading and deleting in a loop.
 */
/** Uploads per candidate in one fixed hour window (Redis, rate-limiter-flexible). Env: UPLOAD_LIMIT_PER_HOUR. */
export const UPLOADS_PER_HOUR = 60;
/** Uploads per candidate over a whole exam year (the candidate's one dossier; counted in Postgres). Env: UPLOAD_LIMIT_PER_YEAR. */
export const UPLOADS_PER_EXAM_YEAR = 300;
/** Length of the hourly window. */
export const UPLOAD_RATE_WINDOW_SECONDS = 3600;

export interface UploadLimits {
  perHour: number;
  perExamYear: number;
}
export const DEFAULT_UPLOAD_LIMITS: UploadLimits = Object.freeze({ perHour: UPLOADS_PER_HOUR, perExamYear: UPLOADS_PER_EXAM_YEAR });

/** 429 UPLOAD_RATE_LIMITED: the hourly allowance is used up; says the limit and when to try again. */
export function uploadRateLimited(limit: number, retryAfterMs: number, now: Date): DomainError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return new DomainError('UPLOAD_RATE_LIMITED', `上传过于频繁：每小时最多上传 ${limit} 张图片，请 ${minutes} 分钟后再试`, 429, {
    limit,
    windowSeconds: UPLOAD_RATE_WINDOW_SECONDS,
    retryAfterSeconds,
    retryAt: new Date(now.getTime() + retryAfterSeconds * 1000).toISOString(),
  });
}

/** 409 UPLOAD_TOTAL_LIMIT: the exam year's allowance is used up; it does not come back this exam year. */
export function uploadTotalLimitReached(limit: number): DomainError {
  return new DomainError(
    'UPLOAD_TOTAL_LIMIT',
    `本年度上传图片已达上限（每位考生最多上传 ${limit} 张，已删除和不合格的图片也计算在内），本考试年度内不能再上传；如确需上传，请联系所在考点`,
    409,
    { limit },
  );
}

/** Refuses the next upload when `uploadedSoFar` (every image row of the dossier, deleted and rejected included) reached the limit. */
export function assertUploadTotalAllowed(uploadedSoFar: number, limit: number): void {
  if (uploadedSoFar >= limit) throw uploadTotalLimitReached(limit);
}
