import type { ResultItem, ResultsPage, ResultsQuery } from '@exam/api';
import { Prisma, type PrismaClient } from '@exam/db';
import { DOSSIER_STATUS_LABELS, DomainError, notFound } from '@exam/domain';

/** The opaque cursor of the results API: base64url of the last registration number of the page. */
export const encodeResultsCursor = (registrationNo: string) => Buffer.from(registrationNo, 'utf8').toString('base64url');

export function decodeResultsCursor(cursor: string): string {
  const value = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[\x21-\x7e]{1,32}$/.test(value)) throw new DomainError('BAD_CURSOR', '分页参数不正确', 400);
  return value;
}

interface ResultRow {
  registrationNo: string;
  name: string;
  status: 'APPROVED' | 'REJECTED';
  publishedAt: Date;
  reason: string | null;
  decidedAt: Date;
}

/**
 * One page of the published final results of an exam year of `districtCode` (the client's district), in
 * registration-number order (keyset on Candidate(examYearId, registrationNo)). Only dossiers stamped by 发布结果
 * (`publishedAt`) appear: before the first publication the page is empty and `lastPublishedAt` is null.
 */
export async function publishedResultsPage(prisma: PrismaClient, districtCode: string, query: ResultsQuery): Promise<ResultsPage> {
  const year = await prisma.examYear.findFirst({ where: { districtCode, code: query.examYear } });
  if (!year) throw notFound('考试年度');
  const after = query.cursor ? decodeResultsCursor(query.cursor) : null;
  const last = await prisma.publication.findFirst({ where: { examYearId: year.id }, orderBy: { createdAt: 'desc' }, select: { createdAt: true } });
  const rows = last
    ? await prisma.$queryRaw<ResultRow[]>`
        SELECT c."registrationNo", c.name, d.status::text AS status, d."publishedAt",
               CASE WHEN d.status = 'REJECTED' THEN t.reason END AS reason,
               COALESCE(t."createdAt", d."lastTransitionAt") AS "decidedAt"
        FROM "Candidate" c
        JOIN "Dossier" d ON d."candidateId" = c.id
        LEFT JOIN LATERAL (
          SELECT x.reason, x."createdAt" FROM "DossierTransition" x
          WHERE x."dossierId" = d.id AND x."toStatus" = d.status
          ORDER BY x."createdAt" DESC LIMIT 1
        ) t ON true
        WHERE c."examYearId" = ${year.id}::uuid
          AND d."publishedAt" IS NOT NULL
          AND d.status IN ('APPROVED', 'REJECTED')
          ${after === null ? Prisma.empty : Prisma.sql`AND c."registrationNo" > ${after}`}
        ORDER BY c."registrationNo" ASC
        LIMIT ${query.limit + 1}`
    : [];
  const page = rows.slice(0, query.limit);
  const items: ResultItem[] = page.map((r) => ({
    registrationNo: r.registrationNo,
    name: r.name,
    result: r.status,
    resultLabel: DOSSIER_STATUS_LABELS[r.status],
    reason: r.reason,
    decidedAt: r.decidedAt.toISOString(),
    publishedAt: r.publishedAt.toISOString(),
  }));
  return {
    examYear: { code: year.code, name: year.name, districtCode: year.districtCode },
    lastPublishedAt: last?.createdAt.toISOString() ?? null,
    items,
    nextCursor: rows.length > query.limit ? encodeResultsCursor(page[page.length - 1]!.registrationNo) : null,
  };
}
