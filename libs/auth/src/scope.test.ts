import { describe, expect, it } from 'vitest';
import type { Role } from '@exam/api';
import { DomainError } from '@exam/domain';
import type { AuthContext } from './auth-context.js';
import { assertCanAccessCandidate, candidateScopeWhere } from './scope.js';

const D1 = '120000';
const D2 = '110000';
const own = { candidateId: 'c-own', siteId: 'site-a', districtCode: D1 };
const otherCandidateSameSite = { candidateId: 'c-2', siteId: 'site-a', districtCode: D1 };
const otherSite = { candidateId: 'c-3', siteId: 'site-b', districtCode: D1 };
const otherDistrict = { candidateId: 'c-4', siteId: 'site-x', districtCode: D2 };
/** Same site id but another district (guards against a misconfigured site reviewer). */
const sameSiteIdOtherDistrict = { candidateId: 'c-5', siteId: 'site-a', districtCode: D2 };

function caller(role: Role): AuthContext {
  return {
    sessionId: 's',
    role,
    csrfToken: 't',
    user: {
      id: role === 'CANDIDATE' ? 'c-own' : `u-${role}`,
      role,
      displayName: 'x',
      districtCode: D1,
      siteId: role === 'CANDIDATE' || role === 'SITE_REVIEWER' ? 'site-a' : null,
      siteName: null,
    },
    ...(role === 'CANDIDATE' ? { candidateId: 'c-own' } : {}),
  };
}

const targets = { own, otherCandidateSameSite, otherSite, otherDistrict, sameSiteIdOtherDistrict };
type TargetName = keyof typeof targets;
const allowed: Record<Role, TargetName[]> = {
  CANDIDATE: ['own'],
  SITE_REVIEWER: ['own', 'otherCandidateSameSite'],
  DISTRICT_REVIEWER: ['own', 'otherCandidateSameSite', 'otherSite'],
  ADMIN: ['own', 'otherCandidateSameSite', 'otherSite'],
};

describe('assertCanAccessCandidate (deny by default)', () => {
  for (const role of Object.keys(allowed) as Role[]) {
    for (const name of Object.keys(targets) as TargetName[]) {
      const ok = allowed[role].includes(name);
      it(`${role} × ${name} → ${ok ? 'allowed' : '404'}`, () => {
        const run = () => assertCanAccessCandidate(caller(role), targets[name]);
        if (ok) {
          expect(run).not.toThrow();
        } else {
          expect(run).toThrow(DomainError);
          try {
            run();
          } catch (e) {
            expect((e as DomainError).status).toBe(404);
            expect((e as DomainError).code).toBe('NOT_FOUND');
          }
        }
      });
    }
  }

  it('denies without a caller, a site reviewer without a site and an unknown role', () => {
    expect(() => assertCanAccessCandidate(undefined, own)).toThrow(DomainError);
    const noSite = caller('SITE_REVIEWER');
    noSite.user.siteId = null;
    expect(() => assertCanAccessCandidate(noSite, own)).toThrow(DomainError);
    const weird = { ...caller('ADMIN'), role: 'ROOT' as Role };
    expect(() => assertCanAccessCandidate(weird, own)).toThrow(DomainError);
    const candidateWithoutId = { ...caller('CANDIDATE'), candidateId: undefined };
    expect(() => assertCanAccessCandidate(candidateWithoutId, own)).toThrow(DomainError);
  });
});

describe('candidateScopeWhere', () => {
  it('limits lists to what the caller may see and matches nothing by default', () => {
    expect(candidateScopeWhere(caller('CANDIDATE'))).toEqual({ id: 'c-own' });
    expect(candidateScopeWhere(caller('SITE_REVIEWER'))).toEqual({ siteId: 'site-a', examYear: { districtCode: D1 } });
    expect(candidateScopeWhere(caller('DISTRICT_REVIEWER'))).toEqual({ examYear: { districtCode: D1 } });
    expect(candidateScopeWhere(caller('ADMIN'))).toEqual({ examYear: { districtCode: D1 } });
    expect(candidateScopeWhere(undefined)).toEqual({ id: { in: [] } });
    expect(candidateScopeWhere({ ...caller('ADMIN'), role: 'ROOT' as Role })).toEqual({ id: { in: [] } });
  });
});
