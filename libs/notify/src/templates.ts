import type { DossierStatus } from '@exam/domain';

/**
 * Every notice the system sends, per event and channel, in one place (zh-CN). Each template declares the variables it
 * uses; `templateProblems` (run by the tests) refuses a template that uses a variable it did not declare, and rendering
 * refuses one too. Placeholders: `{{name}}` in in-app and email texts, `${name}` in SMS texts (the syntax of the texts
 * registered with Chinese SMS providers, who compose the final text from the approved template and its parameters).
 */

/** The variables a template may declare, with what they hold. Deliberately no ID number, phone or address. */
export const TEMPLATE_VARIABLES = Object.freeze({
  name: '考生姓名',
  year: '考试名称，如 2026年医师资格考试',
  deadline: '截止时间，北京时间 YYYY-MM-DD HH:mm',
  reasons: '需补充或更换的材料及原因（一行）',
  result: '审核结果，如 审核通过 / 审核不通过',
  code: '6 位验证码',
  action: '验证码用途：账号激活 / 找回密码',
} as const);
export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;

/** Variables an SMS may carry: short ones only (an SMS is one segment of 70 characters; reasons stay in-app and in the mail). */
export const SMS_VARIABLES: readonly TemplateVariable[] = Object.freeze(['name', 'deadline', 'result', 'code', 'action']);
/** Longest SMS parameter value (Chinese providers cap a variable's value; longer values are cut, ending in …). */
export const SMS_PARAM_MAX = 20;
/** One SMS segment, the sign 【…】 included: every text fits with the longest name (SMS_PARAM_MAX) — a test checks. */
export const SMS_MAX_CHARS = 70;

export interface TemplateDefinition {
  /** every variable the texts use; all are required when rendering */
  variables: readonly TemplateVariable[];
  /** review results, returns and deadlines cannot be muted (issue 7 item 8: preferences) */
  mandatory: boolean;
  inapp?: { title: string; body: string };
  email?: { subject: string; body: string };
  /** the text registered with the SMS provider (without the sign 【…】, which the provider adds) */
  sms?: string;
}

/** Events a candidate (and their registering unit) is told about: in-app, email and SMS. */
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
  'WINDOW_CLOSING_24H', // reminder: upload window ends in 24 h, dossier not submitted
  'WINDOW_CLOSING_2H', // reminder: upload window ends in 2 h, dossier not submitted
  'RETURN_DEADLINE_24H', // reminder: return deadline in 24 h, not resubmitted
] as const;
export type TemplateCode = (typeof TEMPLATE_CODES)[number];

/** The account-code SMS (activation, password reset) the identity service sends; SMS only. */
export const ACCOUNT_CODE_TEMPLATE = 'ACCOUNT_CODE';
export type SmsTemplateCode = TemplateCode | typeof ACCOUNT_CODE_TEMPLATE;
/** Every template that has an SMS text: each needs a provider-side template code (SMS_TEMPLATE_CODES). */
export const SMS_TEMPLATE_CODES: readonly SmsTemplateCode[] = Object.freeze([...TEMPLATE_CODES, ACCOUNT_CODE_TEMPLATE]);

const LOGIN = '请登录医师资格考试线上审核系统查看详情。';

export const NOTICE_TEMPLATES: Readonly<Record<TemplateCode, Required<TemplateDefinition>>> = Object.freeze({
  SUBMITTED: {
    variables: ['name', 'year'],
    mandatory: false,
    inapp: { title: '报名材料提交成功', body: '考生{{name}}的{{year}}报名材料已提交成功，等待考点审核。审核期间材料已锁定，不能修改。' },
    email: { subject: '报名材料提交成功', body: '考生{{name}}：\n您的{{year}}报名材料已提交成功，等待考点审核。审核期间材料已锁定，不能修改。' },
    sms: '考生${name}的报名材料已提交成功，等待考点审核。',
  },
  AUTO_SUBMITTED: {
    variables: ['name', 'year'],
    mandatory: true,
    inapp: {
      title: '报名材料已截止自动提交',
      body: '{{year}}材料上传时间已截止，考生{{name}}已上传的报名材料已由系统自动提交审核（截止自动提交），等待考点审核。',
    },
    email: {
      subject: '报名材料已截止自动提交',
      body: '考生{{name}}：\n{{year}}材料上传时间已截止，您已上传的报名材料已由系统自动提交审核（截止自动提交），等待考点审核。',
    },
    sms: '上传已截止，考生${name}的报名材料已自动提交审核。',
  },
  NOT_SUBMITTED: {
    variables: ['name', 'year'],
    mandatory: true,
    inapp: { title: '报名材料逾期未提交', body: '{{year}}材料上传时间已截止，考生{{name}}未上传报名材料，状态为“逾期未提交”。' },
    email: { subject: '报名材料逾期未提交', body: '考生{{name}}：\n{{year}}材料上传时间已截止，您未上传报名材料，状态为“逾期未提交”。' },
    sms: '上传已截止，考生${name}逾期未提交报名材料。',
  },
  RETURNED: {
    variables: ['name', 'year', 'deadline', 'reasons'],
    mandatory: true,
    inapp: {
      title: '报名材料需要补充',
      body:
        '考生{{name}}的{{year}}报名材料需要补充或更换：{{reasons}}。\n请在{{deadline}}（北京时间）前登录系统，' +
        '按要求更换或补充后再次点击“提交审核”；逾期系统将按现有材料转考区审核。',
    },
    email: {
      subject: '报名材料需要补充（截止{{deadline}}）',
      body:
        '考生{{name}}：\n您的{{year}}报名材料需要补充或更换：{{reasons}}。\n请在{{deadline}}（北京时间）前登录系统，' +
        '按要求更换或补充后再次点击“提交审核”；逾期系统将按现有材料转考区审核。',
    },
    sms: '考生${name}的材料需补充，请于${deadline}前登录系统查看原因并重新提交。',
  },
  RESUBMITTED: {
    variables: ['name', 'year'],
    mandatory: false,
    inapp: { title: '补充材料提交成功', body: '考生{{name}}补充的{{year}}报名材料已提交成功，等待考区审核。' },
    email: { subject: '补充材料提交成功', body: '考生{{name}}：\n您补充的{{year}}报名材料已提交成功，等待考区审核。' },
    sms: '考生${name}补充的材料已提交成功，等待考区审核。',
  },
  RETURN_EXPIRED: {
    variables: ['name', 'year'],
    mandatory: true,
    inapp: { title: '补充材料期限已过', body: '考生{{name}}的{{year}}报名材料补充期限已过，系统已按现有材料转考区审核。' },
    email: { subject: '补充材料期限已过', body: '考生{{name}}：\n您的{{year}}报名材料补充期限已过，系统已按现有材料转考区审核。' },
    sms: '考生${name}补充材料期限已过，已转考区审核。',
  },
  SITE_PASSED: {
    variables: ['name', 'year'],
    mandatory: false,
    inapp: { title: '已通过考点审核', body: '考生{{name}}的{{year}}报名材料已通过考点审核，等待考区审核。' },
    email: { subject: '已通过考点审核', body: '考生{{name}}：\n您的{{year}}报名材料已通过考点审核，等待考区审核。' },
    sms: '考生${name}的报名材料已通过考点审核，等待考区审核。',
  },
  SITE_REVIEWED: {
    variables: ['name', 'year'],
    mandatory: false,
    inapp: { title: '考点审核已完成', body: '考生{{name}}的{{year}}报名材料考点审核已完成，等待考区审核。' },
    email: { subject: '考点审核已完成', body: '考生{{name}}：\n您的{{year}}报名材料考点审核已完成，等待考区审核。' },
    sms: '考生${name}的报名材料考点审核已完成，等待考区审核。',
  },
  RESULT_PUBLISHED: {
    variables: ['name', 'year', 'result'],
    mandatory: true,
    inapp: { title: '审核结果已发布', body: '考生{{name}}的{{year}}报名材料审核结果已发布：{{result}}。' },
    email: { subject: '审核结果已发布', body: '考生{{name}}：\n您的{{year}}报名材料审核结果已发布：{{result}}。' },
    sms: '考生${name}的报名材料审核结果已发布，请登录系统查看。',
  },
  WINDOW_CLOSING_24H: {
    variables: ['name', 'year', 'deadline'],
    mandatory: true,
    inapp: {
      title: '材料上传将于24小时后截止',
      body: '考生{{name}}：{{year}}材料上传将于{{deadline}}（北京时间）截止，您的报名材料尚未提交审核。请尽快上传并点击“提交审核”。',
    },
    email: {
      subject: '材料上传将于24小时后截止',
      body: '考生{{name}}：\n{{year}}材料上传将于{{deadline}}（北京时间）截止，您的报名材料尚未提交审核。请尽快登录系统上传并点击“提交审核”。',
    },
    sms: '考生${name}：材料上传${deadline}截止，您尚未提交审核，请尽快登录提交。',
  },
  WINDOW_CLOSING_2H: {
    variables: ['name', 'year', 'deadline'],
    mandatory: true,
    inapp: {
      title: '材料上传将于2小时后截止',
      body: '考生{{name}}：{{year}}材料上传将于{{deadline}}（北京时间）截止，您的报名材料尚未提交审核。截止后将不能再上传。',
    },
    email: {
      subject: '材料上传将于2小时后截止',
      body: '考生{{name}}：\n{{year}}材料上传将于{{deadline}}（北京时间）截止，您的报名材料尚未提交审核。截止后将不能再上传，请立即登录系统提交。',
    },
    sms: '考生${name}：材料上传${deadline}截止，您尚未提交审核，请立即登录提交。',
  },
  RETURN_DEADLINE_24H: {
    variables: ['name', 'year', 'deadline'],
    mandatory: true,
    inapp: {
      title: '补充材料将于24小时后截止',
      body: '考生{{name}}：您的{{year}}报名材料需补充，补充期限为{{deadline}}（北京时间），您尚未重新提交。逾期系统将按现有材料转考区审核。',
    },
    email: {
      subject: '补充材料将于24小时后截止',
      body:
        '考生{{name}}：\n您的{{year}}报名材料需补充，补充期限为{{deadline}}（北京时间），您尚未重新提交。' +
        '请登录系统按要求更换或补充后点击“提交审核”；逾期系统将按现有材料转考区审核。',
    },
    sms: '考生${name}：补充材料${deadline}截止，您尚未重新提交，请尽快登录提交。',
  },
});

/** SMS-only templates (not outbox events). */
export const SMS_ONLY_TEMPLATES: Readonly<Record<typeof ACCOUNT_CODE_TEMPLATE, TemplateDefinition & { sms: string }>> = Object.freeze({
  ACCOUNT_CODE: {
    variables: ['code', 'action'],
    mandatory: true,
    sms: '验证码${code}，用于${action}，5分钟内有效。请勿告诉他人；如非本人操作，请忽略本短信。',
  },
});

/** Every template, by code. */
export const ALL_TEMPLATES: Readonly<Record<SmsTemplateCode, TemplateDefinition>> = Object.freeze({ ...NOTICE_TEMPLATES, ...SMS_ONLY_TEMPLATES });

/** What a notice template may be given: the candidate's name, the exam year's name, a deadline, reasons, a result. */
export interface TemplateParams {
  name: string;
  year: string;
  deadline?: string;
  reasons?: string;
  result?: string;
}

/** Parameters of the account-code SMS: the 6 digits and what they are for. */
export interface AccountCodeParams {
  code: string;
  action: '账号激活' | '找回密码';
}

const MUSTACHE = /\{\{\s*([A-Za-z_]\w*)\s*\}\}/g;
const SMS_VAR = /\$\{([A-Za-z_]\w*)\}/g;
/** What is left of a placeholder that did not parse (`{{ }}`, `{{name`, `${ name}`…). */
const MALFORMED = /\{\{|\}\}|\$\{/;

type Syntax = 'mustache' | 'sms';
const placeholders = (text: string, syntax: Syntax) => [...text.matchAll(syntax === 'sms' ? SMS_VAR : MUSTACHE)].map((m) => m[1]!);
const stripped = (text: string, syntax: Syntax) => text.replace(syntax === 'sms' ? SMS_VAR : MUSTACHE, '');

function channelTexts(t: TemplateDefinition): { where: string; text: string; syntax: Syntax }[] {
  return [
    ...(t.inapp ? [{ where: 'inapp.title', text: t.inapp.title }, { where: 'inapp.body', text: t.inapp.body }] : []),
    ...(t.email ? [{ where: 'email.subject', text: t.email.subject }, { where: 'email.body', text: t.email.body }] : []),
  ]
    .map((x) => ({ ...x, syntax: 'mustache' as Syntax }))
    .concat(t.sms ? [{ where: 'sms', text: t.sms, syntax: 'sms' }] : []);
}

/**
 * Everything wrong with a table of templates, as sentences (empty: fine): a placeholder naming a variable the template
 * did not declare, a malformed placeholder, a declared variable that is not a known one or that no text uses, an SMS
 * using a long variable, a notice missing a channel.
 */
export function templateProblems(table: Readonly<Record<string, TemplateDefinition>>, notices: readonly string[] = []): string[] {
  const problems: string[] = [];
  for (const [code, t] of Object.entries(table)) {
    const declared = new Set<string>(t.variables);
    const used = new Set<string>();
    for (const v of t.variables) if (!(v in TEMPLATE_VARIABLES)) problems.push(`${code}: declares unknown variable "${v}"`);
    for (const { where, text, syntax } of channelTexts(t)) {
      for (const v of placeholders(text, syntax)) {
        used.add(v);
        if (!declared.has(v)) problems.push(`${code} ${where}: uses undeclared variable "${v}"`);
        if (syntax === 'sms' && !SMS_VARIABLES.includes(v as TemplateVariable)) problems.push(`${code} sms: "${v}" is too long for an SMS`);
      }
      if (MALFORMED.test(stripped(text, syntax))) problems.push(`${code} ${where}: malformed placeholder`);
    }
    for (const v of declared) if (!used.has(v)) problems.push(`${code}: declares "${v}" but no text uses it`);
    if (notices.includes(code) && !(t.inapp && t.email && t.sms)) problems.push(`${code}: a notice needs in-app, email and SMS texts`);
  }
  return problems;
}

/** 18-digit resident ID (last may be X) or the old 15-digit form, anywhere in a string. */
const ID_NUMBER_RE = /(^|\D)(\d{17}[\dXx]|\d{15})(?!\d)/;

function checkParams(code: string, t: TemplateDefinition, params: Partial<Record<TemplateVariable, string>>): void {
  for (const key of t.variables) {
    if (!params[key]) throw new Error(`template ${code}: missing parameter "${key}"`);
  }
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === 'string' && ID_NUMBER_RE.test(value)) {
      throw new Error(`template ${code}: parameter "${key}" looks like an ID number; notices never carry ID numbers`);
    }
  }
}

function fill(code: string, where: string, t: TemplateDefinition, text: string, syntax: Syntax, value: (v: TemplateVariable) => string): string {
  if (MALFORMED.test(stripped(text, syntax))) throw new Error(`template ${code} ${where}: malformed placeholder`);
  return text.replace(syntax === 'sms' ? SMS_VAR : MUSTACHE, (_, key: string) => {
    if (!t.variables.includes(key as TemplateVariable)) throw new Error(`template ${code} ${where}: uses undeclared variable "${key}"`);
    return value(key as TemplateVariable);
  });
}

const cut = (v: string) => (v.length > SMS_PARAM_MAX ? `${v.slice(0, SMS_PARAM_MAX - 1)}…` : v);

export interface RenderedSms {
  /** the approved text filled in (what the provider will send, without the sign) */
  text: string;
  /** the template parameters the provider receives: only the variables the SMS text uses, each cut to SMS_PARAM_MAX */
  params: Record<string, string>;
}

/** Fills a template's SMS text; refuses undeclared or missing variables and ID numbers. */
export function renderSmsTemplate(code: string, t: TemplateDefinition, params: Partial<Record<TemplateVariable, string>>): RenderedSms {
  if (!t.sms) throw new Error(`template ${code}: no SMS text`);
  checkParams(code, t, params);
  const used: Record<string, string> = {};
  const text = fill(code, 'sms', t, t.sms, 'sms', (v) => (used[v] = cut(String(params[v]))));
  return { text, params: used };
}

/** Fills a pre-approved SMS template (the notice of an event). */
export function renderSms(code: TemplateCode, params: TemplateParams): string {
  return renderSmsTemplate(code, NOTICE_TEMPLATES[code], { ...params }).text;
}

export function renderAccountCodeSms(p: AccountCodeParams): string {
  if (!/^\d{6}$/.test(p.code)) throw new Error('ACCOUNT_CODE: code must be 6 digits');
  return renderSmsTemplate(ACCOUNT_CODE_TEMPLATE, SMS_ONLY_TEMPLATES.ACCOUNT_CODE, { ...p }).text;
}

export interface RenderedNotice {
  inapp: { title: string; body: string };
  email: { subject: string; text: string; html: string };
  sms: RenderedSms;
}

const EMAIL_FOOTER = `${LOGIN}本邮件由系统自动发送，请勿回复。`;
const INAPP_FOOTER = LOGIN;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The one HTML layout of every notice mail: the subject as heading, one paragraph per line of the text, the footer. */
export function emailHtml(subject: string, body: string): string {
  const paragraphs = body
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => `<p style="margin:0 0 12px;line-height:1.7">${escapeHtml(l)}</p>`)
    .join('\n');
  return [
    '<!doctype html>',
    '<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(subject)}</title></head>`,
    '<body style="margin:0;padding:24px;background:#f5f5f5;color:#222;font-family:-apple-system,\'PingFang SC\',\'Microsoft YaHei\',sans-serif;font-size:15px">',
    '<div style="max-width:560px;margin:0 auto;background:#fff;border-radius:6px;padding:24px">',
    '<div style="color:#1677ff;font-size:13px;margin-bottom:8px">医师资格考试线上审核系统</div>',
    `<h1 style="font-size:18px;margin:0 0 16px">${escapeHtml(subject)}</h1>`,
    paragraphs,
    `<p style="margin:16px 0 0;padding-top:12px;border-top:1px solid #eee;color:#888;font-size:12px">${escapeHtml(EMAIL_FOOTER)}</p>`,
    '</div></body></html>',
  ].join('\n');
}

/**
 * The zh-CN notice of one event on every channel. Throws when a parameter the template declares is missing (RETURNED
 * needs `deadline` and `reasons`), when a text uses a variable the template did not declare, or when a parameter looks
 * like an ID number.
 */
export function renderNotice(code: TemplateCode, params: TemplateParams): RenderedNotice {
  return renderDefinition(code, NOTICE_TEMPLATES[code], params);
}

/** `renderNotice` of any notice definition (the table's, or one a test makes up). */
export function renderDefinition(code: string, t: Required<TemplateDefinition>, params: Partial<Record<TemplateVariable, string>>): RenderedNotice {
  const p: Partial<Record<TemplateVariable, string>> = { ...params };
  checkParams(code, t, p);
  const value = (v: TemplateVariable) => String(p[v]);
  const body = fill(code, 'inapp.body', t, t.inapp.body, 'mustache', value);
  const subject = fill(code, 'email.subject', t, t.email.subject, 'mustache', value);
  const emailBody = fill(code, 'email.body', t, t.email.body, 'mustache', value);
  return {
    inapp: { title: fill(code, 'inapp.title', t, t.inapp.title, 'mustache', value), body: `${body}\n${INAPP_FOOTER}` },
    email: { subject, text: `${emailBody}\n\n${EMAIL_FOOTER}`, html: emailHtml(subject, emailBody) },
    sms: renderSmsTemplate(code, t, p),
  };
}

export function isTemplateCode(value: string): value is TemplateCode {
  return (TEMPLATE_CODES as readonly string[]).includes(value);
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
