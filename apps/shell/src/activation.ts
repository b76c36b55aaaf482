import {
  activateSchema,
  changePasswordSchema,
  passwordResetSchema,
  smsCodeRequestSchema,
  totpEnrollSchema,
  type ActivateRequest,
  type ChangePasswordRequest,
  type PasswordResetRequest,
  type SmsCodeRequest,
  type SmsCodeSent,
  type TotpLoginRequest,
} from '@exam/api';

// Error codes of /api/identity the public pages react to (the server's Chinese `message` is what is shown).
/** /login: unknown account, wrong password or a candidate not activated yet — one answer for all three. */
export const AUTH_FAILED = 'AUTH_FAILED';
/** /login and its steps: too many attempts (details.retryAfterSeconds). */
export const LOGIN_THROTTLED = 'LOGIN_THROTTLED';
/** /password-reset/code: the account was never activated (账号尚未激活，请先激活). */
export const NOT_ACTIVATED = 'NOT_ACTIVATED';
/** /activate/code and /activate: the account is active already — offer 找回密码 and 登录. */
export const ALREADY_ACTIVATED = 'ALREADY_ACTIVATED';
/** /activate and /password-reset: the SMS code is wrong or expired. */
export const CODE_INVALID = 'CODE_INVALID';
/** the new password is common or built from the 报名号 / ID number (the message says which). */
export const PASSWORD_WEAK = 'PASSWORD_WEAK';
/** /login/totp and /login/totp-enroll: wrong authenticator or recovery code. */
export const TOTP_INVALID = 'TOTP_INVALID';
/** /login/* steps: the pending login (10 minutes) is gone — start again from the password. */
export const LOGIN_EXPIRED = 'LOGIN_EXPIRED';
export const LOGIN_EXPIRED_MESSAGE = '登录已超时，请重新登录';
/** /login/* steps: the pending login is at another step (e.g. enrolled in another tab) — start again too. */
export const LOGIN_STEP = 'LOGIN_STEP';

export const ACTIVATE_ROUTE = '/activate';
export const RESET_PASSWORD_ROUTE = '/reset-password';
export const LOGIN_ROUTE = '/login';

/** The fields of the two SMS-code forms (账号激活, 找回密码). */
export type AccountField = keyof ActivateRequest;
export type ActivateField = AccountField;
/** Raw form values (antd leaves untouched fields undefined). */
export type AccountFormValues = Partial<Record<AccountField, string>>;
export type ActivateFormValues = AccountFormValues;

/** Router state passed between /login, /activate and /reset-password (kept out of the URL: a 报名号 is personal data). */
export interface AuthPageState {
  registrationNo?: string;
  /** came from the registration system's launch link (/launch): activation, then the upload page */
  fromLaunch?: boolean;
}

export type FormCheck<F extends string, T> = { ok: true; request: T } | { ok: false; errors: Partial<Record<F, string>> };

/** The part of a zod schema used here (kept structural so the shell needs no zod import). */
interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

const blankToUndefined = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

/** Validates `fields` of a form with the server's schema: the request to send, or the first Chinese message of each invalid field. */
function checkWith<F extends string, T>(schema: Schema<T>, fields: readonly F[], values: Partial<Record<F, string>>): FormCheck<F, T> {
  const input = Object.fromEntries(fields.map((f) => [f, blankToUndefined(values[f])]));
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, request: result.data };
  const errors: Partial<Record<F, string>> = {};
  for (const issue of result.error.issues) {
    const field = issue.path[0];
    if (typeof field === 'string' && (fields as readonly string[]).includes(field) && !errors[field as F]) {
      errors[field as F] = issue.message;
    }
  }
  return { ok: false, errors };
}

const ACCOUNT_FIELDS = ['registrationNo', 'idNumber', 'code', 'password', 'confirmPassword'] as const satisfies readonly AccountField[];

/**
 * Validates the activation form with the server's `activateSchema`: either the request to send
 * (报名号 / 身份证件号码 / 验证码 trimmed) or the first Chinese message of each invalid field.
 */
export function checkActivation(values: AccountFormValues): FormCheck<AccountField, ActivateRequest> {
  return checkWith(activateSchema, ACCOUNT_FIELDS, values);
}

/** The 找回密码 form, with `passwordResetSchema` (same fields as activation). */
export function checkPasswordReset(values: AccountFormValues): FormCheck<AccountField, PasswordResetRequest> {
  return checkWith(passwordResetSchema, ACCOUNT_FIELDS, values);
}

/** 获取验证码: only 报名号 and 身份证件号码 are needed (smsCodeRequestSchema). */
export function checkCodeRequest(values: AccountFormValues): FormCheck<'registrationNo' | 'idNumber', SmsCodeRequest> {
  return checkWith(smsCodeRequestSchema, ['registrationNo', 'idNumber'] as const, values);
}

/** The CHANGE_PASSWORD step of a staff login (新密码 / 确认新密码). */
export function checkNewPassword(values: Partial<Record<'password' | 'confirmPassword', string>>): FormCheck<'password' | 'confirmPassword', ChangePasswordRequest> {
  return checkWith(changePasswordSchema, ['password', 'confirmPassword'] as const, values);
}

/** The TOTP step: the authenticator's 6 digits, or a recovery code (sent as typed, trimmed). */
export function checkTotp(mode: 'code' | 'recovery', value: string | undefined): { ok: true; request: TotpLoginRequest } | { ok: false; error: string } {
  if (mode === 'code') {
    const result = totpEnrollSchema.safeParse({ code: blankToUndefined(value) });
    return result.success ? { ok: true, request: result.data } : { ok: false, error: result.error.issues[0]?.message ?? '请输入验证码' };
  }
  const recoveryCode = value?.trim();
  if (!recoveryCode) return { ok: false, error: '请输入恢复码' };
  if (!/^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$/.test(recoveryCode)) return { ok: false, error: '恢复码格式不正确（如 ABCD-EFGH-JKLM）' };
  return { ok: true, request: { recoveryCode } };
}

/** "验证码已发送至 138****5678，5 分钟内有效" */
export function codeSentNotice(sent: SmsCodeSent): string {
  const minutes = Math.max(1, Math.round(sent.expiresInSeconds / 60));
  return `验证码已发送至 ${sent.phone}，${minutes} 分钟内有效`;
}

/** The label of the 获取验证码 button: a countdown while a new code may not be asked for yet. */
export function codeButtonLabel(secondsLeft: number, sentBefore: boolean): string {
  if (secondsLeft > 0) return `${secondsLeft} 秒后重新获取`;
  return sentBefore ? '重新获取' : '获取验证码';
}

/** Whole seconds from `now` until `until` (ms), never negative. */
export function secondsUntil(until: number, now: number): number {
  return Math.max(0, Math.ceil((until - now) / 1000));
}

/** `details.retryAfterSeconds` of a 429 answer (LOGIN_THROTTLED, CODE_THROTTLED), if any. */
export function retryAfterSeconds(details: unknown): number | null {
  if (typeof details !== 'object' || details === null) return null;
  const value = (details as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.ceil(value) : null;
}

/** "请 2 分钟后再试" / "请 45 秒后再试" */
export function retryAfterText(seconds: number): string {
  return seconds < 60 ? `请 ${seconds} 秒后再试` : `请 ${Math.ceil(seconds / 60)} 分钟后再试`;
}

/** The server's message, plus when to try again if the answer says so and the message does not already. */
export function messageWithRetry(message: string, details: unknown): string {
  const seconds = retryAfterSeconds(details);
  if (seconds === null || /后再(试|获取)/.test(message)) return message;
  return `${message.replace(/[。，,.]$/, '')}，${retryAfterText(seconds)}`;
}

/**
 * Which field of an SMS-code, TOTP or password form a server error belongs to (shown under it): the answer's
 * `details.field` when it names one, else by code; null for the rest (shown in the alert).
 */
export function fieldOfError(code: string, details?: unknown): 'code' | 'recoveryCode' | 'password' | null {
  const named = typeof details === 'object' && details !== null ? (details as { field?: unknown }).field : undefined;
  if (named === 'code' || named === 'recoveryCode' || named === 'password') return named;
  if (code === CODE_INVALID || code === TOTP_INVALID) return 'code';
  if (code === PASSWORD_WEAK) return 'password';
  return null;
}

/** Reads the router state of /login, /activate or /reset-password; anything unexpected is ignored. */
export function readAuthPageState(state: unknown): AuthPageState {
  if (typeof state !== 'object' || state === null) return {};
  const { registrationNo, fromLaunch } = state as Record<string, unknown>;
  const out: AuthPageState = {};
  if (typeof registrationNo === 'string' && registrationNo.trim()) out.registrationNo = registrationNo.trim().slice(0, 32);
  if (fromLaunch === true) out.fromLaunch = true;
  return out;
}

/** Router state for a link or redirect to another auth page, carrying the 报名号 typed so far. */
export function authPageState(registrationNo: string | undefined): AuthPageState {
  return readAuthPageState({ registrationNo });
}
