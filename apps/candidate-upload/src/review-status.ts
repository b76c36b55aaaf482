import type { CandidateResultView, CandidateReturnView, DossierResponse, WindowState } from '@exam/api';
import { formatBeijingTime, unresolvedReturnItems } from '@exam/domain';

/** The manual's §二9 words, shown once the materials are submitted and while they are under review. */
export const SUBMITTED_TITLE = '上报完成，内容已锁定';
export const SUBMITTED_NOTICE =
  '您可以关闭该页面，等待考务人员进一步的审核通知（可能是电话、短信或应用内的消息等形式）。请根据考区要求的时间或通知，登录本页面查看报名材料审核反馈意见，并根据反馈意见补充完善相关材料。';
export const RETURN_TITLE = '您的材料需要补充或更换';
export const RETURN_EXPIRED_TEXT = '补充期限已过';
export const IN_REVIEW_LABEL = '审核中';

const MINUTE_MS = 60_000;

/**
 * An instant in Beijing time as the manual writes it: `2026年2月14日18:00`; midnight is the previous
 * day's `24:00` (the seed's window ends 2026年2月11日24:00).
 */
export function formatManualTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let text = formatBeijingTime(date); // YYYY-MM-DD HH:mm
  let midnight = false;
  if (text.endsWith(' 00:00')) {
    text = formatBeijingTime(new Date(date.getTime() - MINUTE_MS));
    midnight = true;
  }
  const [day = '', clock = ''] = text.split(' ');
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日${midnight ? '24:00' : clock}`;
}

export interface Countdown {
  expired: boolean;
  days: number;
  hours: number;
  minutes: number;
}

/** Time left until `deadline`, rounded up to the minute (one second left still reads 1分). */
export function countdown(deadline: string, now: number): Countdown {
  const left = new Date(deadline).getTime() - now;
  if (!(left > 0)) return { expired: true, days: 0, hours: 0, minutes: 0 };
  const total = Math.ceil(left / MINUTE_MS);
  return { expired: false, days: Math.floor(total / 1440), hours: Math.floor((total % 1440) / 60), minutes: total % 60 };
}

/** `剩余 2天3小时5分`, or `补充期限已过` once the deadline has passed. */
export function formatCountdown(deadline: string, now: number): string {
  const c = countdown(deadline, now);
  return c.expired ? RETURN_EXPIRED_TEXT : `剩余 ${c.days}天${c.hours}小时${c.minutes}分`;
}

/**
 * Milliseconds until the countdown text next changes (at most a minute), or null once it has expired.
 * A few ms past the boundary so the new minute is already reached when the timer fires.
 */
export function msUntilNextTick(deadline: string, now: number): number | null {
  const left = new Date(deadline).getTime() - now;
  if (!(left > 0)) return null;
  return (left % MINUTE_MS || MINUTE_MS) + 20;
}

/** What the top of the page says for a dossier, decided from what the server sent (never inferred). */
export type PageBanner =
  | { kind: 'draft'; windowState: WindowState }
  | { kind: 'return'; openReturn: CandidateReturnView }
  /** RETURNED but the return is no longer open (its deadline passed; the server moves it on) */
  | { kind: 'returnClosed' }
  /** submitted: under site/district review, or decided and not yet published */
  | { kind: 'inReview' }
  | { kind: 'result'; result: CandidateResultView }
  | { kind: 'notSubmitted' };

export function pageBanner(d: DossierResponse): PageBanner {
  if (d.result) return { kind: 'result', result: d.result };
  switch (d.dossier.status) {
    case 'DRAFT':
      return { kind: 'draft', windowState: d.examYear.windowState };
    case 'RETURNED':
      return d.openReturn ? { kind: 'return', openReturn: d.openReturn } : { kind: 'returnClosed' };
    case 'NOT_SUBMITTED':
      return { kind: 'notSubmitted' };
    // APPROVED / REJECTED without a published result: still 审核中 for the candidate
    default:
      return { kind: 'inReview' };
  }
}

export type TagColor = 'default' | 'processing' | 'warning' | 'success' | 'error';

/** The status tag: the server's (masked) label; a decision never shows before its publication. */
export function statusTag(d: DossierResponse): { label: string; color: TagColor } {
  const banner = pageBanner(d);
  switch (banner.kind) {
    case 'result':
      return {
        label: banner.result.label || (banner.result.status === 'APPROVED' ? '审核通过' : '审核不通过'),
        color: banner.result.status === 'APPROVED' ? 'success' : 'error',
      };
    case 'inReview':
      return { label: IN_REVIEW_LABEL, color: 'processing' };
    case 'return':
      return { label: d.dossier.statusLabel || '待补充材料', color: 'warning' };
    case 'returnClosed':
      return { label: d.dossier.statusLabel || '待补充材料', color: 'default' };
    case 'notSubmitted':
      return { label: d.dossier.statusLabel || '逾期未提交', color: 'default' };
    case 'draft':
      return { label: d.dossier.statusLabel || '未提交', color: 'default' };
  }
}

/** Whether the return is open at `now` (the server re-checks the deadline on every write and on 提交审核). */
export function returnOpen(d: DossierResponse, now: number): boolean {
  return d.dossier.status === 'RETURNED' && d.openReturn !== null && !countdown(d.openReturn.deadline, now).expired;
}

/**
 * Return items not answered yet, by the server's rule: each READY image of the category uploaded after
 * the return answers one item of that category.
 */
export function unresolvedItems(d: DossierResponse): CandidateReturnView['items'] {
  if (!d.openReturn) return [];
  const images = d.categories.flatMap((c) =>
    c.images.map((image) => ({
      id: image.id,
      categoryCode: image.categoryCode || c.code,
      state: image.state,
      uploadedAt: new Date(image.uploadedAt),
      deletedAt: null,
    })),
  );
  return unresolvedReturnItems(d.openReturn.items, images, new Date(d.openReturn.createdAt));
}
