// Rules of the district's delivery-status view, without I/O: masking addresses, the list cursor, labels and
// what may be re-sent.
import { DomainError, isUuid } from '@exam/domain';
import { NOTICE_TEMPLATES, OUTBOX_REASONS, isTemplateCode } from '@exam/notify';
import type { OutboxStatusValue } from '@exam/api';

/** 13800000001 -> 138****0001 (any number: the first 3 and last 4 digits stay; short ones are hidden). */
export function maskPhone(phone: string): string {
  const p = phone.trim();
  if (p.length < 8) return '****';
  return `${p.slice(0, 3)}****${p.slice(-4)}`;
}

/** hello@example.com -> h***@example.com */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

export function maskAddress(channel: string, address: string | null): string | null {
  if (!address) return null;
  if (channel === 'EMAIL') return maskEmail(address);
  if (channel === 'SMS') return maskPhone(address);
  return null;
}

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const ID_NUMBER_IN_TEXT = /\b\d{17}[\dXx]\b|\b\d{15}\b/g;
const PHONE_IN_TEXT = /(?<!\d)(?:\+?86)?1\d{10}(?!\d)/g;

/** A provider's error text as the admin may see it: e-mail addresses and phone numbers masked, ID numbers gone. */
export function maskErrorText(text: string | null): string | null {
  if (!text) return null;
  return text
    .replace(ID_NUMBER_IN_TEXT, '[已隐藏]')
    .replace(EMAIL_IN_TEXT, (m) => maskEmail(m))
    .replace(PHONE_IN_TEXT, (m) => maskPhone(m))
    .slice(0, 300);
}

/** The zh-CN name of a notice (its in-app title); an unknown code is shown as it is. */
export function eventLabel(code: string): string {
  return isTemplateCode(code) ? NOTICE_TEMPLATES[code].inapp.title : code;
}

export function reasonLabel(reason: string | null): string | null {
  if (!reason) return null;
  return (OUTBOX_REASONS as Record<string, string>)[reason] ?? reason;
}

/** A FAILED row may be re-sent unless its moment has passed (expiresAt). */
export function isResendable(row: { status: string; expiresAt: Date | null }, now: Date): boolean {
  return row.status === 'FAILED' && (!row.expiresAt || row.expiresAt.getTime() > now.getTime());
}

const STATUS_WORD: Record<OutboxStatusValue, string> = {
  PENDING: '待发送',
  SENDING: '发送中',
  SENT: '已发送',
  FAILED: '发送失败',
  CANCELLED: '已取消',
  EXPIRED: '已过期',
};

/** Throws the 409 that says why this row cannot be re-sent (nothing when it can). */
export function assertResendable(row: { status: OutboxStatusValue; expiresAt: Date | null }, now: Date): void {
  if (row.status === 'EXPIRED' || (row.status === 'FAILED' && row.expiresAt && row.expiresAt.getTime() <= now.getTime())) {
    throw new DomainError('OUTBOX_EXPIRED', '该通知已过时效，不能重新发送', 409);
  }
  if (row.status !== 'FAILED') {
    throw new DomainError('OUTBOX_NOT_FAILED', `只能重新发送发送失败的通知（该通知当前状态：${STATUS_WORD[row.status]}）`, 409, {
      status: row.status,
    });
  }
}

/** The confirmation of 「重新发送全部失败」: the count the admin saw must still be the count, and within the bound. */
export function assertBulkResend(count: number, confirmCount: number, max: number): void {
  if (count === 0) throw new DomainError('NOTHING_TO_RESEND', '没有可重新发送的失败通知', 409, { count });
  if (count > max) {
    throw new DomainError('RESEND_TOO_MANY', `符合条件的失败通知有 ${count} 条，一次最多重新发送 ${max} 条，请缩小筛选范围（如时间或通知类型）`, 409, {
      count,
      max,
    });
  }
  if (confirmCount !== count) {
    throw new DomainError('RESEND_CONFIRM', `符合条件的失败通知共 ${count} 条，请确认后再重新发送`, 409, { count });
  }
}

export interface ListCursor {
  createdAt: Date;
  id: string;
}

/** The last row of a page as an opaque, URL-safe cursor (createdAt, id: the order of the list). */
export function encodeListCursor(c: ListCursor): string {
  return Buffer.from(`${c.createdAt.toISOString()}|${c.id}`, 'utf8').toString('base64url');
}

export function decodeListCursor(raw: string): ListCursor {
  const [at = '', id = ''] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime()) || !isUuid(id)) throw new DomainError('BAD_CURSOR', '分页参数不正确，请刷新后重试', 400);
  return { createdAt, id };
}
