import type { Prisma } from '@exam/db';
import { DomainError } from '@exam/domain';
import type { AuthContext } from './auth-context.js';

export interface CandidateScopeTarget {
  candidateId: string;
  siteId: string;
  /** District of the candidate's exam year. */
  districtCode: string;
}

type Caller = Pick<AuthContext, 'role' | 'user' | 'candidateId'>;

const hidden = () => new DomainError('NOT_FOUND', '考生不存在或无权访问', 404);

/**
 * Horizontal authorisation (deny by default): a candidate reaches only itself, a site reviewer only candidates of
 * their own site (and district), district reviewers and admins only their district. Anything else is answered
 * 404 so that the existence of other candidates does not leak.
 */
export function assertCanAccessCandidate(auth: Caller | undefined | null, target: CandidateScopeTarget): void {
  if (!auth) throw hidden();
  switch (auth.role) {
    case 'CANDIDATE':
      if (auth.candidateId && auth.candidateId === target.candidateId) return;
      break;
    case 'SITE_REVIEWER':
      if (auth.user.siteId && auth.user.siteId === target.siteId && auth.user.districtCode === target.districtCode) return;
      break;
    case 'DISTRICT_REVIEWER':
    case 'ADMIN':
      if (auth.user.districtCode && auth.user.districtCode === target.districtCode) return;
      break;
  }
  throw hidden();
}

const NOTHING: Prisma.CandidateWhereInput = { id: { in: [] } };

/** The `where` fragment (on Candidate) limiting a list to what the caller may see. Matches nothing by default. */
export function candidateScopeWhere(auth: Caller | undefined | null): Prisma.CandidateWhereInput {
  if (!auth) return NOTHING;
  switch (auth.role) {
    case 'CANDIDATE':
      return auth.candidateId ? { id: auth.candidateId } : NOTHING;
    case 'SITE_REVIEWER':
      return auth.user.siteId ? { siteId: auth.user.siteId, examYear: { districtCode: auth.user.districtCode } } : NOTHING;
    case 'DISTRICT_REVIEWER':
    case 'ADMIN':
      return auth.user.districtCode ? { examYear: { districtCode: auth.user.districtCode } } : NOTHING;
    default:
      return NOTHING;
  }
}
