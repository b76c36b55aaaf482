import { z } from 'zod';

// ---------- 通知设置 (the candidate's notification preferences): /api/notification/preferences ----------

/** The channels of a notice; only EMAIL and SMS can be muted (the in-app inbox receives everything). */
export type NoticeChannel = 'INAPP' | 'EMAIL' | 'SMS';
export const MUTABLE_NOTICE_CHANNELS = ['EMAIL', 'SMS'] as const;

export interface NotificationPreferenceEvent {
  /** template code, e.g. SUBMITTED */
  code: string;
  /** zh-CN name, e.g. 材料提交成功 */
  label: string;
  /** review results, returns and deadlines: cannot be muted (shown on and disabled, 必须接收) */
  mandatory: boolean;
  /** per channel: will the candidate receive it (false only for a muted optional notice) */
  channels: Record<NoticeChannel, boolean>;
}

/** GET /api/notification/preferences and the answer of PUT. */
export interface NotificationPreferencesResponse {
  events: NotificationPreferenceEvent[];
  /** which channels the candidate has an address for (no email on file: the email column shows 未登记) */
  reachable: Record<NoticeChannel, boolean>;
}

const codeList = z.array(z.string({ error: '通知类型无效' }).trim().min(1, '通知类型无效').max(64, '通知类型无效'), { error: '应为通知类型列表' }).max(50, '通知类型过多');

/** PUT /api/notification/preferences: the optional notices to mute, per channel (the whole set; omitted = none). */
export const notificationPreferencesSchema = z.strictObject(
  {
    muted: z.strictObject(
      { EMAIL: codeList.default([]), SMS: codeList.default([]) },
      { error: (i) => (i.code === 'unrecognized_keys' ? '只能关闭邮件或短信通知，站内信始终接收' : '参数格式不正确') },
    ),
  },
  { error: (i) => (i.code === 'unrecognized_keys' ? '包含无法识别的参数' : '参数格式不正确') },
);
export type NotificationPreferencesRequest = z.input<typeof notificationPreferencesSchema>;
