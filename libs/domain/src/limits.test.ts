import { describe, expect, it } from 'vitest';
import {
  AUDIT_RETENTION_MIN_DAYS,
  DEFAULT_RETENTION,
  DEFAULT_UPLOAD_LIMITS,
  IMAGE_REJECT_REASONS,
  MAX_PROCESS_ATTEMPTS,
  assertAuditRetention,
  assertUploadTotalAllowed,
  newUuidV7,
  uploadRateLimited,
} from './index.js';

describe('upload limits, retention and ids', () => {
  it('names the limits: 60 uploads an hour, 300 an exam year; 3 processing runs; 7 days raw, 3 years audit', () => {
    expect(DEFAULT_UPLOAD_LIMITS).toEqual({ perHour: 60, perExamYear: 300 });
    expect(MAX_PROCESS_ATTEMPTS).toBe(3);
    expect(IMAGE_REJECT_REASONS.PROCESSING_FAILED).toBe('处理失败，请重新上传');
    expect(DEFAULT_RETENTION).toEqual({ rawUploadDays: 7, auditDays: 1095 });
  });

  it('the 429 says the limit and when to try again, rounded up to whole minutes', () => {
    const now = new Date('2026-02-01T02:00:00Z');
    const e = uploadRateLimited(60, 61_500, now);
    expect(e).toMatchObject({ status: 429, code: 'UPLOAD_RATE_LIMITED', message: '上传过于频繁：每小时最多上传 60 张图片，请 2 分钟后再试' });
    expect(e.details).toEqual({ limit: 60, windowSeconds: 3600, retryAfterSeconds: 62, retryAt: '2026-02-01T02:01:02.000Z' });
    expect(uploadRateLimited(60, 0, now).message).toContain('请 1 分钟后再试');
  });

  it('the exam year’s total refuses the upload that would exceed it, with 409', () => {
    expect(() => assertUploadTotalAllowed(299, 300)).not.toThrow();
    expect(() => assertUploadTotalAllowed(300, 300)).toThrow(expect.objectContaining({ status: 409, code: 'UPLOAD_TOTAL_LIMIT' }));
  });

  it('refuses an audit retention under 180 days', () => {
    expect(() => assertAuditRetention(AUDIT_RETENTION_MIN_DAYS)).not.toThrow();
    expect(() => assertAuditRetention(179)).toThrow(/>= 180/);
    expect(() => assertAuditRetention(200.5)).toThrow();
  });

  it('makes version-7 uuids that sort by time', () => {
    const a = newUuidV7(Date.UTC(2026, 0, 1));
    const b = newUuidV7(Date.UTC(2026, 0, 1) + 1);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
    expect(a.slice(0, 13)).toBe('019b76da-a800'); // the 48-bit millisecond timestamp
    expect(new Set(Array.from({ length: 1000 }, () => newUuidV7())).size).toBe(1000);
  });
});
