import { describe, expect, it } from 'vitest';
import { assertCanResubmit, assertCategoryOpen, assertImageUnlocked, unresolvedReturnItems, type DossierImageFact } from './index.js';

const returnedAt = new Date('2026-03-01T00:00:00Z');
const deadline = new Date('2026-03-04T00:00:00Z');
const now = new Date('2026-03-02T00:00:00Z');
const img = (id: string, categoryCode: string, at: string, extra: Partial<DossierImageFact> = {}): DossierImageFact => ({
  id,
  categoryCode,
  state: 'READY',
  uploadedAt: new Date(at),
  deletedAt: null,
  ...extra,
});

describe('resubmission after a return', () => {
  const items = [
    { imageId: 'old-1', categoryCode: 'ID_CARD', categoryName: '有效身份证明（正反面）' },
    { imageId: null, categoryCode: 'GRAD_CERT', categoryName: '毕业证书' },
  ];
  it('counts a returned image as replaced only by a newer READY image of its category', () => {
    const before = [img('old-1', 'ID_CARD', '2026-02-01T00:00:00Z'), img('old-2', 'GRAD_CERT', '2026-02-01T00:00:00Z')];
    expect(unresolvedReturnItems(items, before, returnedAt)).toHaveLength(2);
    const after = [...before, img('new-1', 'ID_CARD', '2026-03-01T01:00:00Z'), img('new-2', 'GRAD_CERT', '2026-03-01T02:00:00Z', { state: 'PROCESSING' })];
    expect(unresolvedReturnItems(items, after, returnedAt).map((i) => i.categoryCode)).toEqual(['GRAD_CERT']);
  });
  it('needs one new image per returned image of the same category', () => {
    const two = [
      { imageId: 'a', categoryCode: 'ID_CARD', categoryName: '身份证' },
      { imageId: 'b', categoryCode: 'ID_CARD', categoryName: '身份证' },
    ];
    expect(unresolvedReturnItems(two, [img('n', 'ID_CARD', '2026-03-01T01:00:00Z')], returnedAt)).toHaveLength(1);
    const deletedNew = img('n2', 'ID_CARD', '2026-03-01T01:00:00Z', { deletedAt: now });
    expect(unresolvedReturnItems(two, [deletedNew], returnedAt)).toHaveLength(2);
  });
  it('refuses an incomplete or late resubmission with the category names', () => {
    expect(() => assertCanResubmit({ items, images: [], returnedAt, deadline, now })).toThrow(/「有效身份证明（正反面）」、「毕业证书」/);
    const images = [img('x', 'ID_CARD', '2026-03-01T01:00:00Z'), img('y', 'GRAD_CERT', '2026-03-01T01:00:00Z')];
    expect(() => assertCanResubmit({ items, images, returnedAt, deadline, now })).not.toThrow();
    expect(() => assertCanResubmit({ items, images, returnedAt, deadline, now: deadline })).toThrow(/截止时间已过/);
  });
});

it('refuses changes to a locked image with 图片已锁定，不能修改', () => {
  const ctx = { dossierStatus: 'PENDING_SITE' as const, windowOpen: true, openReturnItems: [], now };
  expect(() => assertImageUnlocked({ id: 'a', categoryCode: 'ID_CARD' }, ctx)).toThrow('图片已锁定，不能修改');
  expect(() => assertImageUnlocked({ id: 'a', categoryCode: 'ID_CARD' }, { ...ctx, dossierStatus: 'DRAFT' })).not.toThrow();
});

it('refuses a new image in a category the return did not name', () => {
  const items = [{ imageId: null, categoryCode: 'GRAD_CERT', deadline }];
  const ctx = { dossierStatus: 'RETURNED' as const, windowOpen: false, openReturnItems: items, now };
  expect(() => assertCategoryOpen({ code: 'ID_CARD', name: '身份证' }, ctx)).toThrow('「身份证」已锁定，不能再上传或修改');
  expect(() => assertCategoryOpen({ code: 'GRAD_CERT', name: '毕业证书' }, ctx)).not.toThrow();
});
