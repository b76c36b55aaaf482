import { NOTICE_TEMPLATES, TEMPLATE_CODES, type TemplateCode } from './templates.js';

/**
 * Notification preferences (issue 7 item 8), without I/O: review results, returns and deadlines are mandatory; every
 * other notice can be muted by the candidate per channel. The in-app inbox always receives everything (it is where a
 * muted or failed SMS/email still reaches the candidate), so only EMAIL and SMS can be muted. Stored on the candidate
 * (`Candidate.notifyMuted`, Json) as `{ EMAIL: [codes], SMS: [codes] }`; the registering unit's copies are not affected.
 */

export const MUTABLE_CHANNELS = ['EMAIL', 'SMS'] as const;
export type MutableChannel = (typeof MUTABLE_CHANNELS)[number];
export type MutedNotices = Partial<Record<MutableChannel, TemplateCode[]>>;

/** The candidate's notices that can be muted (in the order of the template table). */
export const OPTIONAL_NOTICES: readonly TemplateCode[] = Object.freeze(TEMPLATE_CODES.filter((c) => !NOTICE_TEMPLATES[c].mandatory));
export const isMandatoryNotice = (code: TemplateCode): boolean => NOTICE_TEMPLATES[code].mandatory;

/** zh-CN names of the events, as the preferences screen lists them. */
export const NOTICE_LABELS: Readonly<Record<TemplateCode, string>> = Object.freeze({
  SUBMITTED: '材料提交成功',
  AUTO_SUBMITTED: '截止自动提交',
  NOT_SUBMITTED: '逾期未提交',
  RETURNED: '材料退回补充',
  RESUBMITTED: '补充材料提交成功',
  RETURN_EXPIRED: '补充期限已过',
  SITE_PASSED: '通过考点审核',
  SITE_REVIEWED: '考点审核完成',
  RESULT_PUBLISHED: '审核结果发布',
  WINDOW_CLOSING_24H: '上传截止前24小时提醒',
  WINDOW_CLOSING_2H: '上传截止前2小时提醒',
  RETURN_DEADLINE_24H: '补充截止前24小时提醒',
});

/** The stored value read back leniently: unknown channels, unknown codes and mandatory codes are dropped. */
export function readMuted(stored: unknown): MutedNotices {
  const out: MutedNotices = {};
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) return out;
  for (const ch of MUTABLE_CHANNELS) {
    const list = (stored as Record<string, unknown>)[ch];
    if (!Array.isArray(list)) continue;
    const codes = [...new Set(list.filter((c): c is TemplateCode => typeof c === 'string' && OPTIONAL_NOTICES.includes(c as TemplateCode)))];
    if (codes.length) out[ch] = codes;
  }
  return out;
}

/** Is this delivery muted by the candidate: an optional notice on a channel they switched off. Never for in-app. */
export function isMuted(muted: MutedNotices, code: TemplateCode, channel: 'EMAIL' | 'SMS' | 'INAPP'): boolean {
  if (channel === 'INAPP' || isMandatoryNotice(code)) return false;
  return muted[channel]?.includes(code) ?? false;
}

export type PreferenceProblem = { code: string; channel: string; why: 'MANDATORY' | 'UNKNOWN_EVENT' | 'INAPP' };

/**
 * What is wrong with a requested set of muted notices (empty: fine): a mandatory notice, an unknown event, or the
 * in-app channel. The request's channels are checked by the API schema; this checks their contents.
 */
export function preferenceProblems(requested: Record<string, readonly string[]>): PreferenceProblem[] {
  const problems: PreferenceProblem[] = [];
  for (const [channel, codes] of Object.entries(requested)) {
    for (const code of codes) {
      if (!(TEMPLATE_CODES as readonly string[]).includes(code)) problems.push({ code, channel, why: 'UNKNOWN_EVENT' });
      else if (isMandatoryNotice(code as TemplateCode)) problems.push({ code, channel, why: 'MANDATORY' });
      else if (channel === 'INAPP') problems.push({ code, channel, why: 'INAPP' });
    }
  }
  return problems;
}
