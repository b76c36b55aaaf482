import { isLoginStep, type LoginResponse, type SessionUser, type TotpEnrollResponse } from '@exam/api';

/**
 * The screens of a staff login after the password (kept in memory by the login page):
 * TOTP → 动态验证码 (or a recovery code); TOTP_ENROLL → bind an authenticator; then the recovery codes, shown once;
 * CHANGE_PASSWORD → 设置新密码.
 */
export type StepScreen =
  | { screen: 'totp' }
  | { screen: 'enroll'; secret: string; otpauthUrl: string }
  | { screen: 'recovery-codes'; codes: string[]; then: LoginResponse }
  | { screen: 'change-password' };

/** Where an answer leads: the user (logged in), the next screen, or `invalid` (an enrolment answer without its secret). */
export type StepOutcome = { done: SessionUser } | { next: StepScreen } | { invalid: true };

/** The next screen for the answer of /login or of a /login/* step. */
export function outcomeOf(answer: LoginResponse | TotpEnrollResponse): StepOutcome {
  const codes = 'recoveryCodes' in answer && Array.isArray(answer.recoveryCodes) ? answer.recoveryCodes : [];
  if (codes.length > 0) {
    const { recoveryCodes: _shown, ...then } = answer as TotpEnrollResponse;
    return { next: { screen: 'recovery-codes', codes, then: then as LoginResponse } };
  }
  if (!isLoginStep(answer)) return { done: answer.user };
  switch (answer.step) {
    case 'TOTP':
      return { next: { screen: 'totp' } };
    case 'CHANGE_PASSWORD':
      return { next: { screen: 'change-password' } };
    case 'TOTP_ENROLL':
      return answer.enrollment ? { next: { screen: 'enroll', ...answer.enrollment } } : { invalid: true };
  }
  return { invalid: true };
}

/** The recovery codes as copied to the clipboard: one per line, under a heading naming the account. */
export function recoveryCodesText(codes: readonly string[], account: string): string {
  return [`医师资格考试线上审核系统 恢复码（${account}）`, '每个恢复码只能使用一次。', ...codes].join('\n');
}

/** The secret in groups of four for reading aloud / typing into an authenticator (apps ignore the spaces). */
export function groupSecret(secret: string): string {
  return secret.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}
