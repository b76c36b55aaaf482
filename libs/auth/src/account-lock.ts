import { DomainError } from '@exam/domain';

/** Lock an account for `lockMinutes` after `maxFailures` consecutive failed logins (stored on Candidate/User). */
export const ACCOUNT_LOCK = Object.freeze({ maxFailures: 5, lockMinutes: 15 });

export function isLocked(row: { lockedUntil: Date | null }, now: Date): boolean {
  return !!row.lockedUntil && row.lockedUntil.getTime() > now.getTime();
}

/** Whole minutes (at least 1) until `until`. */
export function lockMinutesLeft(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
}

/**
 * The row update after one more failure, given the failure count *including* this one:
 * the count, or a lock (and the count reset) once it reaches the maximum.
 */
export function failureUpdate(failedLogins: number, now: Date): { failedLogins: number; lockedUntil: Date | null } {
  if (failedLogins >= ACCOUNT_LOCK.maxFailures) {
    return { failedLogins: 0, lockedUntil: new Date(now.getTime() + ACCOUNT_LOCK.lockMinutes * 60_000) };
  }
  return { failedLogins, lockedUntil: null };
}

/** 429 LOGIN_THROTTLED — the same answer for a throttled key and a locked account. */
export function throttledError(minutes: number): DomainError {
  return new DomainError('LOGIN_THROTTLED', `登录失败次数过多，请 ${minutes} 分钟后再试`, 429, { retryAfterMinutes: minutes });
}
