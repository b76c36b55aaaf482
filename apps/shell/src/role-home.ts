import type { Role } from '@exam/api';

/** Where each role lands after login. */
export const ROLE_HOME: Readonly<Record<Role, string>> = {
  CANDIDATE: '/candidate',
  SITE_REVIEWER: '/site',
  DISTRICT_REVIEWER: '/district',
  ADMIN: '/district',
};

/** Which area prefixes a role may open. */
export const ROLE_AREAS: Readonly<Record<Role, readonly string[]>> = {
  CANDIDATE: ['/candidate'],
  SITE_REVIEWER: ['/site'],
  DISTRICT_REVIEWER: ['/district'],
  ADMIN: ['/district'],
};

/** A `next` path after login, only if it is a same-origin path inside the role's areas. */
export function safeNextPath(role: Role, next: string | null): string {
  if (next && next.startsWith('/') && !next.startsWith('//')) {
    if (ROLE_AREAS[role].some((area) => next === area || next.startsWith(area + '/'))) return next;
  }
  return ROLE_HOME[role];
}
