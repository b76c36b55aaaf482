import type { PublicationStatusResponse, PublishResponse } from '@exam/api';
import { writeAudit, type AuthContext } from '@exam/auth';
import type { Prisma } from '@exam/db';
import { DECIDED_STATUSES, DomainError, OPEN_REVIEW_STATUSES } from '@exam/domain';
import type { ReviewDeps } from './review-deps.js';
import type { ReviewScope } from './review-scope.js';


async function openCount(db: Pick<Prisma.TransactionClient, 'dossierStatusCount'>, examYearId: string): Promise<number> {
  const agg = await db.dossierStatusCount.aggregate({
    where: { examYearId, status: { in: [...OPEN_REVIEW_STATUSES] } },
    _sum: { n: true },
  });
  return agg._sum.n ?? 0;
}

/** What 发布结果 would publish now, and what is still open. */
export async function publicationStatus(deps: ReviewDeps, scope: ReviewScope): Promise<PublicationStatusResponse> {
  const year = scope.examYear;
  if (!year) return { decidedUnpublished: 0, open: 0, published: 0, lastPublishedAt: null };
  const decided = { examYearId: year.id, status: { in: [...DECIDED_STATUSES] } };
  const [decidedUnpublished, published, open, last] = await Promise.all([
    deps.prisma.dossier.count({ where: { ...decided, publishedAt: null } }),
    deps.prisma.dossier.count({ where: { ...decided, publishedAt: { not: null } } }),
    openCount(deps.prisma, year.id),
    deps.prisma.publication.findFirst({ where: { examYearId: year.id }, orderBy: { createdAt: 'desc' }, select: { createdAt: true } }),
  ]);
  return { decidedUnpublished, open, published, lastPublishedAt: last?.createdAt.toISOString() ?? null };
}

/**
 * 发布结果: makes every decided, unpublished dossier of the exam year visible to its candidate and queues the
 * result notices (one notify.publication job fans out per dossier). While dossiers are still open the publisher
 * must confirm their exact number (`confirmOpen`), so nobody publishes a partial result by accident.
 */
export async function publishResults(
  deps: ReviewDeps,
  auth: AuthContext,
  scope: ReviewScope,
  confirmOpen: number,
  ip: string | null,
): Promise<PublishResponse> {
  const year = scope.examYear;
  if (!year) throw new DomainError('NO_EXAM_YEAR', '尚未设置考试年度', 409);
  const now = deps.now();
  const outcome = await deps.prisma.$transaction(
    async (tx) => {
      // one publication at a time per exam year
      await tx.$queryRaw`SELECT id FROM "ExamYear" WHERE id = ${year.id}::uuid FOR UPDATE`;
      const open = await openCount(tx, year.id);
      if (open > 0 && confirmOpen !== open) {
        throw new DomainError('PUBLISH_CONFIRM_OPEN', `仍有 ${open} 份材料未审核完毕，请确认后再发布已审核完成的结果`, 409, { open });
      }
      const unpublished = { examYearId: year.id, status: { in: [...DECIDED_STATUSES] }, publishedAt: null };
      const pending = await tx.dossier.count({ where: unpublished });
      if (!pending) throw new DomainError('NOTHING_TO_PUBLISH', '没有可发布的审核结果', 409, { open });
      const publication = await tx.publication.create({
        data: { examYearId: year.id, publishedById: auth.user.id, dossierCount: pending, openCount: open, createdAt: now },
      });
      const published = await tx.dossier.updateMany({
        where: unpublished,
        data: { publishedAt: now, publicationId: publication.id },
      });
      if (open === 0) await tx.examYear.update({ where: { id: year.id }, data: { resultsPublishedAt: now } });
      await writeAudit(tx, {
        actorType: 'STAFF',
        actorId: auth.user.id,
        action: 'review.publish_results',
        targetType: 'ExamYear',
        targetId: year.id,
        ip,
        details: { publicationId: publication.id, published: published.count, open },
      });
      return { publicationId: publication.id, published: published.count, open };
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
  await deps.producer.add('notify.publication', { publicationId: outcome.publicationId }).catch((err: unknown) => {
    // the sweeper re-queues publications whose dossiers have no result notice
    deps.logger.error({ err, publicationId: outcome.publicationId }, 'enqueue notify.publication failed');
  });
  return { published: outcome.published, open: outcome.open };
}
