import { describe, expect, it } from 'vitest';
import type { CandidateResultView, CandidateReturnView } from '@exam/api';
import {
  countdown,
  formatCountdown,
  formatManualTime,
  msUntilNextTick,
  pageBanner,
  returnOpen,
  statusTag,
  unresolvedItems,
} from './review-status';
import { category, dossier, image } from './test-fixtures';

const at = (iso: string) => new Date(iso).getTime();
// 2026年2月14日18:00 Beijing
const DEADLINE = '2026-02-14T10:00:00Z';

const openReturn = (over: Partial<CandidateReturnView> = {}): CandidateReturnView => ({
  deadline: DEADLINE,
  createdAt: '2026-02-12T02:00:00Z',
  message: '身份证反面模糊，请重新拍摄',
  items: [{ imageId: 'i2', categoryCode: 'ID_CARD', categoryName: '有效身份证明（正反面）', reason: '模糊不清：请重新拍摄' }],
  ...over,
});
const published = (status: 'APPROVED' | 'REJECTED'): CandidateResultView => ({
  status,
  label: status === 'APPROVED' ? '审核通过' : '审核不通过',
  reason: status === 'REJECTED' ? '不符合报考条件' : null,
  publishedAt: '2026-03-01T02:00:00Z',
});

describe('formatManualTime', () => {
  it('writes Beijing time as the manual does', () => {
    expect(formatManualTime(DEADLINE)).toBe('2026年2月14日18:00');
    expect(formatManualTime('2026-01-29T02:00:00Z')).toBe('2026年1月29日10:00');
    expect(formatManualTime('2026-02-14T01:05:00Z')).toBe('2026年2月14日09:05');
  });

  it('writes midnight as the previous day 24:00, across month and year ends', () => {
    expect(formatManualTime('2026-02-11T16:00:00Z')).toBe('2026年2月11日24:00');
    expect(formatManualTime('2026-02-28T16:00:00Z')).toBe('2026年2月28日24:00');
    expect(formatManualTime('2025-12-31T16:00:00Z')).toBe('2025年12月31日24:00');
    expect(formatManualTime('2026-02-11T16:01:00Z')).toBe('2026年2月12日00:01');
  });

  it('leaves an unreadable value as it is', () => {
    expect(formatManualTime('not a date')).toBe('not a date');
  });
});

describe('countdown', () => {
  it('reads 剩余 X天X小时X分, rounded up to the minute', () => {
    expect(formatCountdown(DEADLINE, at('2026-02-12T07:55:00Z'))).toBe('剩余 2天2小时5分');
    expect(formatCountdown(DEADLINE, at('2026-02-12T07:54:30Z'))).toBe('剩余 2天2小时6分');
    expect(formatCountdown(DEADLINE, at('2026-02-14T09:59:59Z'))).toBe('剩余 0天0小时1分');
    expect(formatCountdown(DEADLINE, at('2026-02-13T10:00:00Z'))).toBe('剩余 1天0小时0分');
    expect(countdown(DEADLINE, at('2026-02-14T07:00:00Z'))).toEqual({ expired: false, days: 0, hours: 3, minutes: 0 });
  });

  it('reads 补充期限已过 from the deadline on', () => {
    expect(formatCountdown(DEADLINE, at(DEADLINE))).toBe('补充期限已过');
    expect(formatCountdown(DEADLINE, at('2026-02-15T00:00:00Z'))).toBe('补充期限已过');
    expect(countdown('garbage', at(DEADLINE)).expired).toBe(true);
  });

  it('ticks when the text changes, at least every minute, and stops once expired', () => {
    expect(msUntilNextTick(DEADLINE, at('2026-02-12T07:54:30Z'))).toBe(30_020);
    expect(msUntilNextTick(DEADLINE, at('2026-02-12T07:55:00Z'))).toBe(60_020);
    expect(msUntilNextTick(DEADLINE, at(DEADLINE))).toBeNull();
  });
});

describe('pageBanner', () => {
  const cats = [category([image()])];

  it('shows the open return, or its closing when the server reports none open', () => {
    const r = openReturn();
    expect(pageBanner(dossier('RETURNED', 'CLOSED', cats, { openReturn: r }))).toEqual({ kind: 'return', openReturn: r });
    expect(pageBanner(dossier('RETURNED', 'CLOSED', cats)).kind).toBe('returnClosed');
  });

  it('shows 审核中 for every submitted, unpublished state, never a decision', () => {
    for (const status of ['PENDING_SITE', 'PENDING_DISTRICT', 'APPROVED', 'REJECTED'] as const) {
      const d = dossier(status, 'CLOSED', cats, { statusLabel: status === 'APPROVED' ? '审核通过' : '审核中' });
      expect(pageBanner(d).kind).toBe('inReview');
      expect(statusTag(d)).toEqual({ label: '审核中', color: 'processing' });
    }
  });

  it('shows the published result', () => {
    const ok = dossier('APPROVED', 'CLOSED', cats, { result: published('APPROVED'), statusLabel: '审核通过' });
    expect(pageBanner(ok)).toEqual({ kind: 'result', result: published('APPROVED') });
    expect(statusTag(ok)).toEqual({ label: '审核通过', color: 'success' });
    const no = dossier('REJECTED', 'CLOSED', cats, { result: published('REJECTED'), statusLabel: '审核不通过' });
    expect(statusTag(no)).toEqual({ label: '审核不通过', color: 'error' });
  });

  it('shows the draft hints by window, and 逾期未提交', () => {
    expect(pageBanner(dossier('DRAFT', 'OPEN', cats))).toEqual({ kind: 'draft', windowState: 'OPEN' });
    expect(pageBanner(dossier('DRAFT', 'NOT_OPEN', cats))).toEqual({ kind: 'draft', windowState: 'NOT_OPEN' });
    const late = dossier('NOT_SUBMITTED', 'CLOSED', cats, { statusLabel: '逾期未提交' });
    expect(pageBanner(late).kind).toBe('notSubmitted');
    expect(statusTag(late).label).toBe('逾期未提交');
  });
});

describe('after a return', () => {
  const returnedAt = '2026-02-12T02:00:00Z';
  const kept = image({ id: 'i1', locked: true, uploadedAt: '2026-01-30T00:00:00Z' });
  const sentBack = image({ id: 'i2', returnReason: '模糊不清：请重新拍摄', uploadedAt: '2026-01-30T00:00:00Z' });

  it('is open until the deadline', () => {
    const d = dossier('RETURNED', 'CLOSED', [category([kept, sentBack])], { openReturn: openReturn() });
    expect(returnOpen(d, at('2026-02-14T09:59:00Z'))).toBe(true);
    expect(returnOpen(d, at(DEADLINE))).toBe(false);
    expect(returnOpen(dossier('RETURNED', 'CLOSED', []), at('2026-02-13T00:00:00Z'))).toBe(false);
  });

  it('lists an item until a READY image of its category is uploaded after the return', () => {
    const r = openReturn({ createdAt: returnedAt });
    expect(unresolvedItems(dossier('RETURNED', 'CLOSED', [category([kept, sentBack])], { openReturn: r }))).toEqual(r.items);
    // deleted and a new one still processing: not answered yet
    const processing = image({ id: 'i3', state: 'PROCESSING', uploadedAt: '2026-02-13T00:00:00Z' });
    expect(unresolvedItems(dossier('RETURNED', 'CLOSED', [category([kept, processing])], { openReturn: r }))).toHaveLength(1);
    const fresh = image({ id: 'i3', uploadedAt: '2026-02-13T00:00:00Z' });
    expect(unresolvedItems(dossier('RETURNED', 'CLOSED', [category([kept, fresh])], { openReturn: r }))).toEqual([]);
  });

  it('needs one new image per item of a category', () => {
    const r = openReturn({
      createdAt: returnedAt,
      items: [
        { imageId: 'a', categoryCode: 'ID_CARD', categoryName: '身份证明', reason: '模糊' },
        { imageId: null, categoryCode: 'ID_CARD', categoryName: '身份证明', reason: '缺反面' },
      ],
    });
    const fresh = image({ id: 'n1', uploadedAt: '2026-02-13T00:00:00Z' });
    const left = unresolvedItems(dossier('RETURNED', 'CLOSED', [category([kept, fresh])], { openReturn: r }));
    expect(left).toEqual([r.items[1]]);
    expect(unresolvedItems(dossier('DRAFT', 'OPEN', [category([kept])]))).toEqual([]);
  });
});
