/**
 * Rules of one delivery, without I/O: what an outbox row's status and reason become after an attempt, which failures
 * are retried, and when a row handed to a provider without an answer is "in doubt".
 */

/** Outbox row statuses (Prisma enum OutboxStatus). */
export const OUTBOX_STATUSES = ['PENDING', 'SENDING', 'SENT', 'FAILED', 'CANCELLED', 'EXPIRED'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];
/** Statuses nothing changes any more (except a late SMS receipt). */
export const FINAL_STATUSES: readonly OutboxStatus[] = Object.freeze(['SENT', 'FAILED', 'CANCELLED', 'EXPIRED']);

/**
 * Why a row is FAILED, CANCELLED or EXPIRED, or why its last attempt failed (`NotificationOutbox.reason`), with the
 * zh-CN label the district's delivery-status view shows. A code, not an enum in the database: adding one needs no
 * migration.
 */
export const OUTBOX_REASONS = Object.freeze({
  SMTP_TEMPORARY: '邮件服务器暂时拒收（4xx），自动重试',
  SMTP_CONNECTION: '无法连接邮件服务器，自动重试',
  SMTP_REJECTED: '邮件服务器拒收（5xx）',
  RECIPIENT_REJECTED: '收件地址被邮件服务器拒收',
  INVALID_ADDRESS: '手机号或邮箱格式不正确',
  NO_ADDRESS: '没有收件地址',
  SMS_QUOTA_MINUTE: '同一手机号每分钟最多 1 条短信',
  SMS_QUOTA_DAY: '同一手机号每天最多 10 条短信',
  SMS_PROVIDER_LIMIT: '短信服务商对该号码限流',
  SMS_REJECTED: '短信服务商拒绝发送',
  SMS_PROVIDER_ERROR: '短信服务暂时不可用，自动重试',
  SMS_UNDELIVERED: '短信未送达（运营商回执）',
  OUTCOME_UNKNOWN: '发送中断，无法确认是否已发出；为免重复未自动重发',
  TEMPLATE_ERROR: '通知模板或参数有误',
  INTERNAL_ERROR: '系统错误，自动重试',
  // kept for the reminders and preferences (issue 7 items 1 and 8)
  NOT_NEEDED: '通知已无必要（如考生已提交）',
  MUTED: '考生已关闭此类通知',
  EXPIRED: '已过时效，未再发送',
} as const);
export type OutboxReason = keyof typeof OUTBOX_REASONS;

/**
 * - `retry`: nothing was delivered and a later attempt may succeed (4xx, connection errors, provider hiccups);
 * - `final`: the provider refused this message for good (5xx, rejected recipient, invalid number, bad template);
 * - `limit`: the provider refuses more messages to this recipient for now (its per-number flow control) — an SMS
 *   then falls back to in-app, as for our own quota.
 */
export type FailureKind = 'retry' | 'final' | 'limit';

/** A classified delivery failure, thrown by the senders (email.ts, sms.ts, aliyun-sms.ts). */
export class DeliveryError extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly reason: OutboxReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}

export interface FailureOutcome {
  /** the row's new status */
  status: 'PENDING' | 'FAILED' | 'CANCELLED';
  reason: OutboxReason;
  /** rethrow: BullMQ retries with backoff while attempts are left, and keeps the job as failed after the last */
  rethrow: boolean;
  /** SMS: deliver in-app instead (candidate rows) */
  fallback: boolean;
}

/**
 * What a failed attempt does to the row. An unclassified error counts as `retry` (nothing known to be delivered);
 * a retryable failure puts the row back to PENDING, or on the last attempt makes it FAILED with that failure's reason.
 */
export function outcomeOfFailure(err: unknown, attempt: { attemptsMade: number; maxAttempts: number }): FailureOutcome {
  const kind: FailureKind = err instanceof DeliveryError ? err.kind : 'retry';
  const reason: OutboxReason = err instanceof DeliveryError ? err.reason : 'INTERNAL_ERROR';
  if (kind === 'limit') return { status: 'CANCELLED', reason, rethrow: false, fallback: true };
  if (kind === 'final') return { status: 'FAILED', reason, rethrow: false, fallback: false };
  const last = attempt.attemptsMade + 1 >= attempt.maxAttempts;
  return { status: last ? 'FAILED' : 'PENDING', reason, rethrow: true, fallback: false };
}

/**
 * How long a send may take before a row left SENDING is "in doubt" (the process died between handing the message
 * over and recording the answer). Above every transport timeout (SMTP: connect 10 s + greeting 10 s + socket 30 s;
 * SMS: 10 s) with margin.
 */
export const IN_FLIGHT_MS = 90_000;

/**
 * A SENDING row met again: still `in-flight` (another run may be waiting for the provider — try later), or `in-doubt`
 * (nobody will record its outcome). An in-doubt row is not sent again: a message delivered twice is a harm too; it
 * becomes FAILED / OUTCOME_UNKNOWN for a person to re-send, and an SMS receipt for its out-id still settles it.
 */
export function sendingState(lastAttemptAt: Date | null, now: Date): 'in-flight' | 'in-doubt' {
  return lastAttemptAt && now.getTime() - lastAttemptAt.getTime() < IN_FLIGHT_MS ? 'in-flight' : 'in-doubt';
}

/** Per-phone SMS quota of notices (account codes have their own guard in the identity service). */
export const SMS_QUOTA = Object.freeze({ perMinute: 1, perDay: 10 });

/** 11-digit mainland mobile number from what was entered (spaces, dashes, +86 / 0086 dropped), or null. */
export function normaliseMobile(raw: string): string | null {
  const digits = raw.replace(/[\s-]/g, '').replace(/^(\+86|0086)/, '');
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

/** Text of an error for `lastError`: the message, never longer than 2,000 characters. */
export function errorText(err: unknown): string {
  return String((err as Error)?.message ?? err).slice(0, 2000);
}
