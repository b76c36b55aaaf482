import { activateSchema, type ActivateRequest } from '@exam/api';

/** Error code of POST /api/identity/login for a candidate who never activated (首次登录请先激活账号). */
export const NOT_ACTIVATED = 'NOT_ACTIVATED';
/** Error code of POST /api/identity/activate when the account is active already (账号已激活，请直接登录). */
export const ALREADY_ACTIVATED = 'ALREADY_ACTIVATED';

export const ACTIVATE_ROUTE = '/activate';
export const LOGIN_ROUTE = '/login';

export type ActivateField = keyof ActivateRequest;
/** Raw form values (antd leaves untouched fields undefined). */
export type ActivateFormValues = Partial<Record<ActivateField, string>>;

/** Why the activation page was opened: from the login link, or because login answered NOT_ACTIVATED. */
export type ActivateReason = 'link' | 'not-activated';

/** Router state passed between /login and /activate (kept out of the URL: a 报名号 is personal data). */
export interface AuthPageState {
  registrationNo?: string;
  reason?: ActivateReason;
}

const blankToUndefined = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

/**
 * Validates the activation form with the server's `activateSchema`: either the request to send
 * (报名号 / 身份证件号码 trimmed) or the first Chinese message of each invalid field.
 */
export function checkActivation(
  values: ActivateFormValues,
): { ok: true; request: ActivateRequest } | { ok: false; errors: Partial<Record<ActivateField, string>> } {
  const result = activateSchema.safeParse({
    registrationNo: blankToUndefined(values.registrationNo),
    idNumber: blankToUndefined(values.idNumber),
    password: blankToUndefined(values.password),
    confirmPassword: blankToUndefined(values.confirmPassword),
  });
  if (result.success) return { ok: true, request: result.data };
  const errors: Partial<Record<ActivateField, string>> = {};
  for (const issue of result.error.issues) {
    const field = issue.path[0];
    if (typeof field === 'string' && field in activateSchema.shape && !errors[field as ActivateField]) {
      errors[field as ActivateField] = issue.message;
    }
  }
  return { ok: false, errors };
}

/** Reads the router state of /login or /activate; anything unexpected is ignored. */
export function readAuthPageState(state: unknown): AuthPageState {
  if (typeof state !== 'object' || state === null) return {};
  const { registrationNo, reason } = state as Record<string, unknown>;
  const out: AuthPageState = {};
  if (typeof registrationNo === 'string' && registrationNo.trim()) out.registrationNo = registrationNo.trim().slice(0, 32);
  if (reason === 'link' || reason === 'not-activated') out.reason = reason;
  return out;
}

/** Router state for a link or redirect to the other auth page, carrying the 报名号 typed so far. */
export function authPageState(registrationNo: string | undefined, reason?: ActivateReason): AuthPageState {
  return readAuthPageState({ registrationNo, reason });
}
