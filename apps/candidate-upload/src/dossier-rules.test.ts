import { describe, expect, it } from 'vitest';
import { canUploadTo, dossierEditable, formatWindowTime, missingCategories } from './dossier-rules';
import { MIN_LONG_SIDE, shrinkPlan } from './image-shrink';
import { category, dossier, image } from './test-fixtures';

const openReturn = {
  deadline: '2026-02-14T10:00:00Z',
  createdAt: '2026-02-12T02:00:00Z',
  message: null,
  items: [{ imageId: 'i2', categoryCode: 'ID_CARD', categoryName: '有效身份证明（正反面）', reason: '模糊不清' }],
};

describe('upload rules', () => {
  it('offers 上传 only while the window is open and the category has room', () => {
    const one = category([image()]);
    expect(canUploadTo(dossier('DRAFT', 'OPEN', [one]), one)).toBe(true);
    expect(canUploadTo(dossier('DRAFT', 'NOT_OPEN', [one]), one)).toBe(false);
    expect(canUploadTo(dossier('DRAFT', 'CLOSED', [one]), one)).toBe(false);
    const full = category([image(), image({ id: 'i2' })]);
    expect(canUploadTo(dossier('DRAFT', 'OPEN', [full]), full)).toBe(false);
    const withRejected = category([image(), image({ id: 'i2', state: 'REJECTED' })]);
    expect(canUploadTo(dossier('DRAFT', 'OPEN', [withRejected]), withRejected)).toBe(true);
  });

  it('after a return, offers 上传 only where the server opened the category', () => {
    const closed = category([image({ locked: true })], { canUpload: false });
    const returned = category([image({ locked: true }), image({ id: 'i2', state: 'REJECTED' })], { canUpload: true });
    const emptyButNotReturned = category([], { code: 'DEGREE_CERT', canUpload: false });
    expect(canUploadTo(dossier('RETURNED', 'CLOSED', [closed], { openReturn }), closed)).toBe(false);
    expect(canUploadTo(dossier('RETURNED', 'CLOSED', [returned], { openReturn }), returned)).toBe(true);
    expect(canUploadTo(dossier('RETURNED', 'CLOSED', [emptyButNotReturned], { openReturn }), emptyButNotReturned)).toBe(false);
    expect(canUploadTo(dossier('PENDING_SITE', 'OPEN', [closed]), closed)).toBe(false);
  });

  it('is read-only once the return is closed or a result is published', () => {
    const returned = category([image()], { canUpload: true });
    expect(dossierEditable(dossier('RETURNED', 'CLOSED', [returned], { openReturn }))).toBe(true);
    expect(dossierEditable(dossier('RETURNED', 'CLOSED', [returned]))).toBe(false);
    expect(canUploadTo(dossier('RETURNED', 'CLOSED', [returned]), returned)).toBe(false);
    const result = { status: 'APPROVED' as const, label: '审核通过', reason: null, publishedAt: '2026-03-01T02:00:00Z' };
    expect(dossierEditable(dossier('APPROVED', 'CLOSED', [returned], { result }))).toBe(false);
    expect(dossierEditable(dossier('NOT_SUBMITTED', 'CLOSED', [returned]))).toBe(false);
  });

  it('lists required categories without enough ready images', () => {
    const d = dossier('DRAFT', 'OPEN', [category([image()]), category([], { code: 'DEGREE_CERT', minCount: 0, required: false })]);
    expect(missingCategories(d).map((c) => c.code)).toEqual(['ID_CARD']);
  });

  it('writes the window in Beijing time, a midnight end as 24:00', () => {
    expect(formatWindowTime('2026-01-29T02:00:00Z')).toBe('2026-01-29 10:00');
    expect(formatWindowTime('2026-02-11T16:00:00Z', true)).toBe('2026-02-11 24:00');
  });
});

describe('shrink plan', () => {
  it('starts at most 2000 px, tries lower quality before smaller sizes, and never goes under the legibility floor except last', () => {
    const plan = shrinkPlan(4000);
    expect(plan[0]).toEqual({ longSide: 2000, quality: 0.86 });
    expect(plan[1]?.longSide).toBe(2000);
    expect(plan.slice(0, -1).every((s) => s.longSide >= MIN_LONG_SIDE)).toBe(true);
    expect(plan.at(-1)?.longSide).toBe(640);
    expect(shrinkPlan(1200)[0]?.longSide).toBe(1200);
  });
});
