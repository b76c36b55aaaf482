import type { QueueNextResponse } from '@exam/api';
import type { AuthContext } from '@exam/auth';
import { Prisma } from '@exam/db';
import { QUEUE_CLAIM_MINUTES, REVIEW_QUEUE_STATUS } from '@exam/domain';
import type { ReviewDeps } from './review-deps.js';
import { reviewLevelOf } from './review-dossier.service.js';
import type { ReviewScope } from './review-scope.js';

/**
 * The next dossier of a reviewer's queue (site: 待考点审核 of their site; district: 待考区审核, optionally one site),
 * oldest submission first, kept for them for QUEUE_CLAIM_MINUTES so that two reviewers working through one queue
 * are not handed the same dossier. A dossier kept for someone else is passed over until its claim lapses; the caller's
 * own claim is handed back. `SKIP LOCKED` passes over a row another reviewer is claiming or deciding at this moment.
 */
export async function claimNextDossier(
  deps: ReviewDeps,
  auth: AuthContext,
  scope: ReviewScope,
  opts: { skip?: string },
): Promise<QueueNextResponse> {
  if (!scope.examYear) return { dossierId: null };
  const now = deps.now();
  const until = new Date(now.getTime() + QUEUE_CLAIM_MINUTES * 60_000);
  const level = reviewLevelOf(auth);
  if (!level) return { dossierId: null };
  const status = REVIEW_QUEUE_STATUS[level];
  const me = auth.user.id;
  const rows = await deps.prisma.$queryRaw<{ id: string }[]>`
    UPDATE "Dossier" d SET "claimedById" = ${me}::uuid, "claimedUntil" = ${until}
    WHERE d.id = (
      SELECT q.id FROM "Dossier" q
      WHERE q."examYearId" = ${scope.examYear.id}::uuid
        ${scope.siteId ? Prisma.sql`AND q."siteId" = ${scope.siteId}::uuid` : Prisma.empty}
        AND q.status = ${status}::"DossierStatus" AND q."submittedAt" IS NOT NULL
        ${opts.skip ? Prisma.sql`AND q.id <> ${opts.skip}::uuid` : Prisma.empty}
        AND (q."claimedUntil" IS NULL OR q."claimedUntil" <= ${now} OR q."claimedById" = ${me}::uuid)
      ORDER BY q."submittedAt", q.id
      LIMIT 1
      FOR UPDATE SKIP LOCKED)
    RETURNING d.id::text AS id`;
  return { dossierId: rows[0]?.id ?? null };
}
