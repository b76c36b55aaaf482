import type { LoginStep, LoginStepName, SessionUser } from '@exam/api';

/** Code of the ApiClientError `login()` throws when the server asks for another login step (details: the LoginStep). */
export const LOGIN_STEP_REQUIRED = 'LOGIN_STEP_REQUIRED';

const STEPS: readonly LoginStepName[] = ['TOTP', 'TOTP_ENROLL', 'CHANGE_PASSWORD'];

/** What an answer of /login or a /login/* step says: a session's user, the next step, or neither. */
export type LoginAnswer = { kind: 'user'; user: SessionUser } | { kind: 'step'; step: LoginStep } | { kind: 'none' };

/**
 * Reads the JSON answer of a login step defensively: `{ step }` with a known step name (and, for
 * TOTP_ENROLL, its secret and otpauth URL), `{ user }`, or neither (then the caller asks `/me`).
 */
export function readLoginAnswer(raw: unknown): LoginAnswer {
  if (typeof raw !== 'object' || raw === null) return { kind: 'none' };
  const { step, enrollment, user } = raw as { step?: unknown; enrollment?: unknown; user?: unknown };
  if (typeof step === 'string' && (STEPS as readonly string[]).includes(step)) {
    const name = step as LoginStepName;
    if (typeof enrollment === 'object' && enrollment !== null) {
      const { secret, otpauthUrl } = enrollment as { secret?: unknown; otpauthUrl?: unknown };
      if (typeof secret === 'string' && typeof otpauthUrl === 'string') {
        return { kind: 'step', step: { step: name, enrollment: { secret, otpauthUrl } } };
      }
    }
    return { kind: 'step', step: { step: name } };
  }
  if (typeof user === 'object' && user !== null && typeof (user as { role?: unknown }).role === 'string') {
    return { kind: 'user', user: user as SessionUser };
  }
  return { kind: 'none' };
}
