import type { DossierStatus } from '@exam/domain';

/** Events a candidate (and their registering unit) is told about. */
export const TEMPLATE_CODES = [
  'SUBMITTED', // 提交成功
  'AUTO_SUBMITTED', // 截止自动提交
  'NOT_SUBMITTED', // 逾期未提交
  'RETURNED', // 退回补充 (with deadline and reasons)
  'RESUBMITTED', // 补充材料已提交, to district review
  'RETURN_EXPIRED', // 补充期限已过, to district review
  'SITE_PASSED', // 通过考点审核
  'SITE_REVIEWED', // 考点审核完成 (site proposed rejection: the candidate is not told before the district decides)
  'RESULT_PUBLISHED', // 审核结果已发布 (approved/rejected are announced only after publication)
] as const;
export type TemplateCode = (typeof TEMPLATE_CODES)[number];

/**
 * What a template may mention. Deliberately no ID number, phone, address or other sensitive data:
 * the candidate's name, the exam year's name, a deadline and reasons only.
 */
export interface TemplateParams {
  /** candidate's name */
  name: string;
  /** exam year's name, e.g. 2026年医师资格考试 */
  year: string;
  /** return deadline, Beijing wall-clock `YYYY-MM-DD HH:mm` (RETURNED) */
  deadline?: string;
  /** return reasons, one line (RETURNED) */
  reasons?: string;
  /** published result label, e.g. 审核通过 / 审核不通过 (RESULT_PUBLISHED, optional) */
  result?: string;
}

export interface RenderedMessage {
  /** inbox title / email subject */
  title: string;
  /** inbox body / email text */
  text: string;
  /** SMS text, built only from the pre-approved SMS template table */
  sms: string;
}

interface TemplateDef {
  title: string;
  text: (p: TemplateParams) => string;
  required?: (keyof TemplateParams)[];
}

const FOOTER = '请登录医师资格考试线上审核系统查看详情。本通知由系统自动发送，请勿回复。';

const TEMPLATES: Record<TemplateCode, TemplateDef> = {
  SUBMITTED: {
    title: '报名材料提交成功',
    text: (p) => `考生${p.name}的${p.year}报名材料已提交成功，等待考点审核。审核期间材料已锁定，不能修改。${FOOTER}`,
  },
  AUTO_SUBMITTED: {
    title: '报名材料已截止自动提交',
    text: (p) =>
      `${p.year}材料上传时间已截止，考生${p.name}已上传的报名材料已由系统自动提交审核（截止自动提交），等待考点审核。${FOOTER}`,
  },
  NOT_SUBMITTED: {
    title: '报名材料逾期未提交',
    text: (p) => `${p.year}材料上传时间已截止，考生${p.name}未上传报名材料，状态为“逾期未提交”。${FOOTER}`,
  },
  RETURNED: {
    title: '报名材料需要补充',
    required: ['deadline', 'reasons'],
    text: (p) =>
      `考生${p.name}的${p.year}报名材料需要补充或更换：${p.reasons}。请在${p.deadline}（北京时间）前登录系统，` +
      `按要求更换或补充后再次点击“提交审核”；逾期系统将按现有材料转考区审核。${FOOTER}`,
  },
  RESUBMITTED: {
    title: '补充材料提交成功',
    text: (p) => `考生${p.name}补充的${p.year}报名材料已提交成功，等待考区审核。${FOOTER}`,
  },
  RETURN_EXPIRED: {
    title: '补充材料期限已过',
    text: (p) => `考生${p.name}的${p.year}报名材料补充期限已过，系统已按现有材料转考区审核。${FOOTER}`,
  },
  SITE_PASSED: {
    title: '已通过考点审核',
    text: (p) => `考生${p.name}的${p.year}报名材料已通过考点审核，等待考区审核。${FOOTER}`,
  },
  SITE_REVIEWED: {
    title: '考点审核已完成',
    text: (p) => `考生${p.name}的${p.year}报名材料考点审核已完成，等待考区审核。${FOOTER}`,
  },
  RESULT_PUBLISHED: {
    title: '审核结果已发布',
    text: (p) => `考生${p.name}的${p.year}报名材料审核结果已发布${p.result ? `：${p.result}` : ''}。${FOOTER}`,
  },
};

/**
 * Pre-approved SMS templates (what is registered with the SMS provider). An SMS is only ever a template code
 * plus these parameters; the provider, not we, composes the final text. Keep the `${...}` names in sync with
 * the parameters passed.
 */
export const SMS_TEMPLATES: Record<TemplateCode, { text: string; params: (keyof TemplateParams)[] }> = {
  SUBMITTED: { text: '【医师资格考试】考生${name}的报名材料已提交成功，等待考点审核。', params: ['name'] },
  AUTO_SUBMITTED: { text: '【医师资格考试】上传已截止，考生${name}的报名材料已自动提交审核。', params: ['name'] },
  NOT_SUBMITTED: { text: '【医师资格考试】上传已截止，考生${name}逾期未提交报名材料。', params: ['name'] },
  RETURNED: {
    text: '【医师资格考试】考生${name}的报名材料需补充，请于${deadline}前登录系统查看原因并重新提交。',
    params: ['name', 'deadline'],
  },
  RESUBMITTED: { text: '【医师资格考试】考生${name}补充的材料已提交成功，等待考区审核。', params: ['name'] },
  RETURN_EXPIRED: { text: '【医师资格考试】考生${name}补充材料期限已过，已转考区审核。', params: ['name'] },
  SITE_PASSED: { text: '【医师资格考试】考生${name}的报名材料已通过考点审核，等待考区审核。', params: ['name'] },
  SITE_REVIEWED: { text: '【医师资格考试】考生${name}的报名材料考点审核已完成，等待考区审核。', params: ['name'] },
  RESULT_PUBLISHED: { text: '【医师资格考试】考生${name}的报名材料审核结果已发布，请登录系统查看。', params: ['name'] },
};

/** Parameters of the account-code SMS: the 6 digits and what they are for. */
export interface AccountCodeParams {
  code: string;
  action: '账号激活' | '找回密码';
}
/** Pre-approved template of the account-code SMS (activation, password reset). */
export const ACCOUNT_CODE_SMS = '【医师资格考试】验证码${code}，用于${action}，5分钟内有效。请勿告诉他人；如非本人操作，请忽略本短信。';

export function renderAccountCodeSms(p: AccountCodeParams): string {
  if (!/^\d{6}$/.test(p.code)) throw new Error('ACCOUNT_CODE: code must be 6 digits');
  return ACCOUNT_CODE_SMS.replace('${code}', p.code).replace('${action}', p.action);
}

/** 18-digit resident ID (last may be X) or the old 15-digit form, anywhere in a string. */
const ID_NUMBER_RE = /(^|\D)(\d{17}[\dXx]|\d{15})(?!\d)/;

export function isTemplateCode(value: string): value is TemplateCode {
  return (TEMPLATE_CODES as readonly string[]).includes(value);
}

function checkParams(code: TemplateCode, params: TemplateParams, required: (keyof TemplateParams)[]): void {
  for (const key of ['name', 'year', ...required] as (keyof TemplateParams)[]) {
    if (!params[key]) throw new Error(`template ${code}: missing parameter "${key}"`);
  }
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === 'string' && ID_NUMBER_RE.test(value)) {
      throw new Error(`template ${code}: parameter "${key}" looks like an ID number; notices never carry ID numbers`);
    }
  }
}

/** Fills a pre-approved SMS template; unknown placeholders are refused. */
export function renderSms(code: TemplateCode, params: TemplateParams): string {
  const tpl = SMS_TEMPLATES[code];
  checkParams(code, params, tpl.params);
  return tpl.text.replace(/\$\{(\w+)\}/g, (_, key: string) => {
    if (!tpl.params.includes(key as keyof TemplateParams)) throw new Error(`SMS template ${code}: unknown placeholder ${key}`);
    return String(params[key as keyof TemplateParams] ?? '');
  });
}

/**
 * The zh-CN notice of one event: inbox/email title and text, and the SMS text. Throws when a parameter the
 * template needs is missing (RETURNED needs `deadline` and `reasons`) or when a parameter looks like an ID number.
 */
export function renderTemplate(code: TemplateCode, params: TemplateParams): RenderedMessage {
  const def = TEMPLATES[code];
  checkParams(code, params, def.required ?? []);
  return { title: def.title, text: def.text(params), sms: renderSms(code, params) };
}

export interface TransitionFacts {
  fromStatus: DossierStatus | null;
  toStatus: DossierStatus;
  actorType: 'CANDIDATE' | 'STAFF' | 'SYSTEM';
  /** dossier flag 截止自动提交 */
  autoSubmitted?: boolean;
  /** dossier flag: the site reviewer proposed rejection */
  proposedRejection?: boolean;
}

/**
 * The template announcing a dossier transition (by its target state), or null when nothing is sent:
 * APPROVED / REJECTED are told only once results are published (RESULT_PUBLISHED, a separate event).
 */
export function templateForTransition(t: TransitionFacts): TemplateCode | null {
  switch (t.toStatus) {
    case 'PENDING_SITE':
      return t.autoSubmitted && t.actorType === 'SYSTEM' ? 'AUTO_SUBMITTED' : 'SUBMITTED';
    case 'NOT_SUBMITTED':
      return 'NOT_SUBMITTED';
    case 'RETURNED':
      return 'RETURNED';
    case 'PENDING_DISTRICT':
      if (t.fromStatus === 'RETURNED') return t.actorType === 'SYSTEM' ? 'RETURN_EXPIRED' : 'RESUBMITTED';
      return t.proposedRejection ? 'SITE_REVIEWED' : 'SITE_PASSED';
    case 'APPROVED':
    case 'REJECTED':
    case 'DRAFT':
      return null;
  }
}
