/**
 * Contracts of the district admin's 运维 page (notification-service): the audit-log search
 * (GET /api/notification/admin/audit) and the queue summary (GET /api/notification/health/queues).
 * The queue dashboard itself (bull-board) lives at BULL_BOARD_PATH.
 */
import { z } from 'zod';
import { checkTimeRange, isoTimeParam } from './time-range.js';

/** Where the read-only queue dashboard (bull-board) is served, under the shell's origin through the gateway. */
export const BULL_BOARD_PATH = '/api/notification/admin/queues';

/** The BullMQ job states the queue summary counts. */
export const QUEUE_JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;
export type QueueJobState = (typeof QUEUE_JOB_STATES)[number];
export const QUEUE_JOB_STATE_LABELS: Readonly<Record<QueueJobState, string>> = Object.freeze({
  waiting: '等待中',
  active: '执行中',
  delayed: '延迟',
  prioritized: '优先',
  'waiting-children': '等待子任务',
  completed: '已完成',
  failed: '失败',
});

/** GET /api/notification/health/queues */
export interface QueueHealthResponse {
  queues: { name: string; paused: boolean; counts: Record<QueueJobState, number> }[];
}

/** zh-CN names of the queues (QUEUE_NAMES in @exam/queue). */
export const QUEUE_LABELS: Readonly<Record<string, string>> = Object.freeze({
  image: '图片处理',
  deadline: '截止时间',
  notify: '通知分发',
  'notify-email': '邮件发送',
  'notify-sms': '短信发送',
  'notify-inapp': '站内信',
  roster: '报名数据导入',
});

/**
 * zh-CN names of the audit actions the search offers (the log may hold others: they are shown by their code). A
 * filter ending in `.*` is a prefix: `identity.*` finds every action starting with `identity.`.
 */
export const AUDIT_ACTION_LABELS: Readonly<Record<string, string>> = Object.freeze({
  'identity.*': '全部登录与账号操作',
  'identity.login': '登录',
  'identity.login_failed': '登录失败',
  'identity.password_changed': '修改密码',
  'identity.code_sent': '发送验证码',
  'identity.totp_enrolled': '绑定动态口令',
  'identity.second_factor_failed': '动态口令验证失败',
  'identity.recovery_code_used': '使用恢复码',
  'identity.launch_to_activation': '从报名系统进入激活',
  'identity.launch_refused': '报名系统跳转被拒绝',
  'material.*': '全部材料操作',
  'material.image_upload': '上传材料图片',
  'material.image_delete': '删除材料图片',
  'material.image_view_original': '查看原图',
  'review.*': '全部审核操作',
  'review.id_number_view': '查看完整身份证号',
  'review.export_progress': '导出审核进度',
  'review.publish_results': '发布审核结果',
  'roster.*': '全部报名数据导入',
  'roster.uploaded': '上传报名数据文件',
  'roster.import_started': '开始导入报名数据',
  'roster.import': '报名数据导入完成',
  'notify.*': '全部通知操作',
  'notify.resend': '重新发送通知',
  'notification.preferences_changed': '修改通知设置',
  'security.alert': '安全告警',
});

/** The zh-CN name of an action code (the code itself when it has none). */
export function auditActionLabel(action: string): string {
  return AUDIT_ACTION_LABELS[action] ?? action;
}

export const AUDIT_ACTOR_TYPES = ['CANDIDATE', 'STAFF', 'SYSTEM'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];
export const AUDIT_ACTOR_TYPE_LABELS: Readonly<Record<AuditActorType, string>> = Object.freeze({
  CANDIDATE: '考生',
  STAFF: '工作人员',
  SYSTEM: '系统',
});

/** Longest time range one search may cover. */
export const AUDIT_SEARCH_MAX_DAYS = 366;

/** GET /api/notification/admin/audit query (all filters optional). */
export const auditSearchQuerySchema = z
  .object({
    /** 报名号 (digits: exact) or the candidate's name (exact) */
    candidate: z.string().trim().min(1, '请输入报名号或姓名').max(64, '考生搜索内容过长').optional(),
    /** a staff account's username (exact) */
    actor: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.@-]{1,64}$/, '操作人用户名格式不正确')
      .optional(),
    /** an action code, or a prefix ending in `.*` (e.g. identity.*) */
    action: z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*)?$/, '操作类型格式不正确（如 identity.login 或 identity.*）')
      .max(64, '操作类型过长')
      .optional(),
    from: isoTimeParam('开始时间').optional(),
    to: isoTimeParam('结束时间').optional(),
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,200}$/, '分页参数不正确')
      .optional(),
    limit: z.coerce.number({ error: '每页条数无效' }).int('每页条数无效').min(1, '每页条数无效').max(100, '每页最多 100 条').default(50),
  })
  .superRefine(checkTimeRange(AUDIT_SEARCH_MAX_DAYS));
export type AuditSearchQuery = z.infer<typeof auditSearchQuerySchema>;

/** The filter as the browser sends it (times as ISO strings). */
export interface AuditSearchParams {
  candidate?: string;
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
}

/** One row of the audit search: never an ID number, password, code or token (such detail keys are redacted). */
export interface AuditLogItem {
  /** the row id (a bigint, as a string) */
  id: string;
  at: string;
  actorType: AuditActorType;
  /** the staff account's username, or the candidate's 报名号; null for the system or an unknown account */
  actorAccount: string | null;
  /** the staff member's display name or the candidate's name */
  actorName: string | null;
  action: string;
  actionLabel: string;
  targetType: string;
  targetId: string | null;
  registrationNo: string | null;
  candidateName: string | null;
  ip: string | null;
  details: Record<string, unknown> | null;
}
export interface AuditSearchResponse {
  items: AuditLogItem[];
  nextCursor: string | null;
}
