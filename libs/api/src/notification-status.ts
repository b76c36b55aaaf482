/**
 * Contracts of the district admin's delivery-status view (notification-service, /api/notification/admin/outbox…):
 * counts per event × channel × status, the filtered list with a keyset cursor, and re-sending FAILED rows.
 */
import { z } from 'zod';
import { checkTimeRange, isoTimeParam } from './time-range.js';

export const OUTBOX_STATUS_VALUES = ['PENDING', 'SENDING', 'SENT', 'FAILED', 'CANCELLED', 'EXPIRED'] as const;
export type OutboxStatusValue = (typeof OUTBOX_STATUS_VALUES)[number];
export const OUTBOX_CHANNEL_VALUES = ['INAPP', 'EMAIL', 'SMS'] as const;
export type OutboxChannelValue = (typeof OUTBOX_CHANNEL_VALUES)[number];

/** zh-CN names of the statuses and channels (the event and reason labels come with the data). */
export const OUTBOX_STATUS_LABELS: Readonly<Record<OutboxStatusValue, string>> = Object.freeze({
  PENDING: '待发送',
  SENDING: '发送中',
  SENT: '已发送',
  FAILED: '发送失败',
  CANCELLED: '已取消',
  EXPIRED: '已过期',
});
export const OUTBOX_CHANNEL_LABELS: Readonly<Record<OutboxChannelValue, string>> = Object.freeze({
  INAPP: '站内信',
  EMAIL: '邮件',
  SMS: '短信',
});

/** Most rows one 「重新发送全部失败」 may re-send. */
export const RESEND_MAX_ROWS = 1000;

/** The filter of the list, the counts and 「重新发送全部失败」 (all optional). */
export const outboxFilterSchema = z
  .object({
    status: z.enum(OUTBOX_STATUS_VALUES, { error: '状态参数无效' }).optional(),
    /** the notice's template code (SUBMITTED, RETURNED, …) */
    event: z
      .string()
      .trim()
      .regex(/^[A-Z0-9_]{1,64}$/, '通知类型参数无效')
      .optional(),
    channel: z.enum(OUTBOX_CHANNEL_VALUES, { error: '渠道参数无效' }).optional(),
    /** 报名号 (exact) or part of the candidate's name */
    q: z.string().trim().max(64, '搜索内容过长').optional(),
    from: isoTimeParam('开始时间').optional(),
    to: isoTimeParam('结束时间').optional(),
  })
  .superRefine(checkTimeRange());
export type OutboxFilter = z.infer<typeof outboxFilterSchema>;
/** The filter as the browser sends it (times as ISO strings). */
export interface OutboxFilterParams {
  status?: OutboxStatusValue;
  event?: string;
  channel?: OutboxChannelValue;
  q?: string;
  from?: string;
  to?: string;
}

export const outboxListQuerySchema = z.object({
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/, '分页参数不正确')
    .optional(),
  limit: z.coerce.number({ error: '每页条数无效' }).int('每页条数无效').min(1, '每页条数无效').max(100, '每页最多 100 条').default(50),
});

/** GET /api/notification/admin/outbox/counts */
export interface OutboxCountRow {
  event: string;
  /** zh-CN name of the notice (its in-app title) */
  eventLabel: string;
  channel: OutboxChannelValue;
  counts: Record<OutboxStatusValue, number>;
  total: number;
}
export interface OutboxCountsResponse {
  rows: OutboxCountRow[];
  totals: Record<OutboxStatusValue, number>;
  /** every event the filter may name, with its zh-CN label */
  events: { event: string; label: string }[];
}

/** One row of GET /api/notification/admin/outbox (addresses masked; never an ID number). */
export interface OutboxItem {
  id: string;
  event: string;
  eventLabel: string;
  channel: OutboxChannelValue;
  recipientType: 'CANDIDATE' | 'UNIT';
  registrationNo: string | null;
  candidateName: string | null;
  /** 138****0001, h***@example.com; null for in-app */
  address: string | null;
  status: OutboxStatusValue;
  reason: string | null;
  reasonLabel: string | null;
  /** the provider's words, with addresses masked */
  lastError: string | null;
  attempts: number;
  createdAt: string;
  sentAt: string | null;
  /** FAILED, not past its expiry: 重新发送 is offered */
  resendable: boolean;
}
export interface OutboxListResponse {
  items: OutboxItem[];
  nextCursor: string | null;
}

/** POST /api/notification/admin/outbox/resend-failed: the filter plus the number the admin confirmed. */
export const resendFailedSchema = z.object({
  filter: outboxFilterSchema.default({}),
  /** must equal the number of FAILED rows of the filter (the server answers 409 with `details.count` otherwise) */
  confirmCount: z.number({ error: '请确认重新发送的条数' }).int('请确认重新发送的条数').min(0, '请确认重新发送的条数'),
});
export interface ResendResponse {
  /** rows put back for delivery */
  resent: number;
}
