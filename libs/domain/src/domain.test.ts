import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CATALOG,
  DomainError,
  applicableCategories,
  assertCanAddImage,
  assertCanSubmit,
  assertUploadAcceptable,
  canAddToCategory,
  formatBeijingTime,
  isImageLocked,
  maskIdNumber,
  parseBeijingTime,
  sniffImageFormat,
  transition,
  windowState,
} from './index.js';

describe('upload window (seed: 2026-01-29 10:00 – 2026-02-11 24:00 Beijing time)', () => {
  const window = { start: parseBeijingTime('2026-01-29 10:00'), end: parseBeijingTime('2026-02-11 24:00') };
  it('parses Beijing wall-clock times, 24:00 meaning the end of the day', () => {
    expect(window.start.toISOString()).toBe('2026-01-29T02:00:00.000Z');
    expect(window.end.toISOString()).toBe('2026-02-11T16:00:00.000Z');
    expect(formatBeijingTime(window.end)).toBe('2026-02-12 00:00');
  });
  it('is closed before 10:00, open from 10:00, locked from midnight', () => {
    expect(windowState(window, new Date('2026-01-29T01:59:59.999Z'))).toBe('NOT_OPEN');
    expect(windowState(window, new Date('2026-01-29T02:00:00.000Z'))).toBe('OPEN');
    expect(windowState(window, new Date('2026-02-11T15:59:59.999Z'))).toBe('OPEN');
    expect(windowState(window, new Date('2026-02-11T16:00:00.000Z'))).toBe('CLOSED');
  });
  it('rejects malformed or impossible times with a Chinese message', () => {
    expect(() => parseBeijingTime('2026-02-30 10:00')).toThrow(/日期不存在/);
    expect(() => parseBeijingTime('2026/02/01')).toThrow(/时间格式/);
    expect(() => parseBeijingTime('2026-02-01 24:30')).toThrow(DomainError);
  });
});

describe('dossier transitions', () => {
  it('submits a draft to site review and sends a resubmission to the district', () => {
    expect(transition('DRAFT', 'SUBMIT', 'CANDIDATE')).toBe('PENDING_SITE');
    expect(transition('RETURNED', 'RESUBMIT', 'CANDIDATE')).toBe('PENDING_DISTRICT');
  });
  it('refuses a transition that is not in the table', () => {
    expect(() => transition('APPROVED', 'SUBMIT', 'CANDIDATE')).toThrow(/当前状态为「审核通过」/);
    expect(() => transition('PENDING_SITE', 'DISTRICT_APPROVE', 'DISTRICT_REVIEWER')).toThrow(DomainError);
  });
  it('refuses an actor that may not take the action', () => {
    expect(() => transition('PENDING_SITE', 'SITE_PASS', 'CANDIDATE')).toThrow(/无权/);
  });
});

describe('catalog', () => {
  const codes = (t: Parameters<typeof applicableCategories>[1]) => applicableCategories(DEFAULT_CATALOG, t).map((c) => c.code);
  it('shows an assistant upgrading to physician their own materials and no probation proof', () => {
    const c = codes({ candidateType: 'ASSISTANT_UPGRADE', attributes: [] });
    expect(c).toEqual(expect.arrayContaining(['ID_CARD', 'ASSIST_QUAL', 'ASSIST_PRACTICE', 'PRACTICE_PERIOD']));
    expect(c).not.toContain('PROBATION');
    expect(c).not.toContain('FRESH_PLEDGE');
  });
  it('adds the pledge for fresh graduates and the verification for college graduates', () => {
    const c = codes({ candidateType: 'FRESH_GRADUATE', attributes: ['COLLEGE'] });
    expect(c).toEqual(expect.arrayContaining(['FRESH_PLEDGE', 'EDU_VERIFY', 'PROBATION']));
    expect(codes({ candidateType: 'GRADUATE', attributes: [] })).not.toContain('EDU_VERIFY');
  });
  it('refuses a third ID-card image and an incomplete submission', () => {
    expect(() => assertCanAddImage({ name: '有效身份证明（正反面）', maxCount: 2 }, 2)).toThrow(/最多上传 2 张/);
    expect(() =>
      assertCanSubmit([{ code: 'ID_CARD', name: '有效身份证明（正反面）', effectiveMin: 2, validCount: 1, processingCount: 0 }]),
    ).toThrow(/至少需要 2 张/);
    expect(() =>
      assertCanSubmit([{ code: 'ID_CARD', name: '身份证', effectiveMin: 2, validCount: 2, processingCount: 0 }]),
    ).not.toThrow();
  });
});

describe('image rules', () => {
  it('judges the format by content', () => {
    expect(sniffImageFormat(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffImageFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('png');
    expect(sniffImageFormat(new TextEncoder().encode('GIF89a..'))).toBeNull();
  });
  it('refuses empty, oversized and non-image uploads with specific reasons', () => {
    expect(() => assertUploadAcceptable(new Uint8Array())).toThrow(/文件为空/);
    const big = new Uint8Array(204_801);
    big.set([0xff, 0xd8, 0xff]);
    expect(() => assertUploadAcceptable(big)).toThrow(/超过 200KB/);
    expect(() => assertUploadAcceptable(new TextEncoder().encode('%PDF-1.7 hello'))).toThrow(/jpg\/jpeg\/png/);
    const ok = new Uint8Array(204_800);
    ok.set([0xff, 0xd8, 0xff]);
    expect(assertUploadAcceptable(ok)).toBe('jpeg');
  });
});

describe('image lock', () => {
  const now = new Date('2026-02-01T00:00:00Z');
  const img = { id: 'a', categoryCode: 'ID_CARD' };
  it('unlocks draft images only while the window is open', () => {
    expect(isImageLocked(img, { dossierStatus: 'DRAFT', windowOpen: true, openReturnItems: [], now })).toBe(false);
    expect(isImageLocked(img, { dossierStatus: 'DRAFT', windowOpen: false, openReturnItems: [], now })).toBe(true);
  });
  it('unlocks only returned images until the return deadline', () => {
    const items = [{ imageId: 'a', categoryCode: 'ID_CARD', deadline: new Date('2026-02-02T00:00:00Z') }];
    const ctx = { dossierStatus: 'RETURNED' as const, windowOpen: false, openReturnItems: items, now };
    expect(isImageLocked(img, ctx)).toBe(false);
    expect(isImageLocked({ id: 'b', categoryCode: 'ID_CARD' }, ctx)).toBe(true);
    expect(isImageLocked(img, { ...ctx, now: new Date('2026-02-03T00:00:00Z') })).toBe(true);
  });
  it('locks everything under review', () => {
    expect(isImageLocked(img, { dossierStatus: 'PENDING_SITE', windowOpen: true, openReturnItems: [], now })).toBe(true);
  });
});

it('masks ID numbers as 120***********1234', () => {
  expect(maskIdNumber('120101199001011234')).toBe('120***********1234');
});

describe('canAddToCategory', () => {
  const now = new Date('2026-02-01T00:00:00Z');
  const idCard = { code: 'ID_CARD', maxCount: 2 };
  it('offers 上传 in a draft inside the window until the maximum is reached', () => {
    const ctx = { dossierStatus: 'DRAFT' as const, windowOpen: true, openReturnItems: [], now };
    expect(canAddToCategory(idCard, 1, ctx)).toBe(true);
    expect(canAddToCategory(idCard, 2, ctx)).toBe(false);
    expect(canAddToCategory(idCard, 0, { ...ctx, windowOpen: false })).toBe(false);
  });
  it('after a return offers 上传 only in the returned categories', () => {
    const items = [{ imageId: null, categoryCode: 'GRAD_CERT', deadline: new Date('2026-02-05T00:00:00Z') }];
    const ctx = { dossierStatus: 'RETURNED' as const, windowOpen: false, openReturnItems: items, now };
    expect(canAddToCategory({ code: 'GRAD_CERT', maxCount: 2 }, 1, ctx)).toBe(true);
    expect(canAddToCategory(idCard, 0, ctx)).toBe(false);
  });
});
