import { describe, expect, it } from 'vitest';
import { barSegments } from './progress-chart';
import { publishConfirmText } from './publication-panel';

describe('district screens', () => {
  it('splits a site bar by state', () => {
    const site = { siteId: 's', siteName: '和平区', total: 4, counts: { DRAFT: 0, PENDING_SITE: 1, RETURNED: 0, PENDING_DISTRICT: 1, APPROVED: 2, REJECTED: 0, NOT_SUBMITTED: 0 } };
    expect(barSegments(site)).toEqual([
      { status: 'PENDING_SITE', count: 1, percent: 25 },
      { status: 'PENDING_DISTRICT', count: 1, percent: 25 },
      { status: 'APPROVED', count: 2, percent: 50 },
    ]);
    expect(barSegments({ ...site, total: 0 })).toEqual([]);
  });

  it('names how many are still open before publishing', () => {
    expect(publishConfirmText(3, 120)).toBe('仍有 3 份材料未审核完毕，确定仅发布已审核完成的 120 份结果吗？');
    expect(publishConfirmText(0, 5)).toContain('5 份');
  });
});
