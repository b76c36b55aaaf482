import { z } from 'zod';
import type { AuthContext } from '@exam/auth';
import { candidateListQuerySchema } from '@exam/api';
import type { ExamYear, PrismaClient } from '@exam/db';
import { DomainError, notFound } from '@exam/domain';

/** The work-list query: the shared contract plus an optional exam year (default: the district's latest). */
export const reviewListQuerySchema = candidateListQuerySchema.extend({
  examYearId: z.uuid('考试年度参数无效').optional(),
});
export type ReviewListQuery = z.infer<typeof reviewListQuerySchema>;

/** What a reviewer's list is limited to: one exam year of their district and, for site reviewers, their site. */
export interface ReviewScope {
  districtCode: string;
  examYear: ExamYear | null;
  /** set for site reviewers (always their own site) or when a district reviewer filters by site */
  siteId: string | null;
}

/** The exam year a reviewer works on: the one asked for (if in their district) or the district's latest. */
export async function resolveExamYear(prisma: PrismaClient, districtCode: string, examYearId?: string): Promise<ExamYear | null> {
  if (examYearId) {
    const year = await prisma.examYear.findFirst({ where: { id: examYearId, districtCode } });
    if (!year) throw notFound('考试年度');
    return year;
  }
  return prisma.examYear.findFirst({ where: { districtCode }, orderBy: [{ uploadStart: 'desc' }, { createdAt: 'desc' }] });
}

/** Site reviewers see their own site only, whatever siteId they send. */
export async function siteScope(prisma: PrismaClient, auth: AuthContext, examYearId?: string): Promise<ReviewScope> {
  const siteId = auth.user.siteId;
  if (auth.role !== 'SITE_REVIEWER' || !siteId) throw new DomainError('FORBIDDEN', '无权访问', 403);
  const districtCode = auth.user.districtCode;
  return { districtCode, examYear: await resolveExamYear(prisma, districtCode, examYearId), siteId };
}

/** District reviewers and admins see their district, optionally one site of it. */
export async function districtScope(prisma: PrismaClient, auth: AuthContext, examYearId?: string, siteId?: string): Promise<ReviewScope> {
  if (auth.role !== 'DISTRICT_REVIEWER' && auth.role !== 'ADMIN') throw new DomainError('FORBIDDEN', '无权访问', 403);
  const districtCode = auth.user.districtCode;
  if (siteId) {
    const ok = z.uuid().safeParse(siteId).success && (await prisma.examSite.count({ where: { id: siteId, districtCode } })) === 1;
    if (!ok) throw notFound('考点');
  }
  return { districtCode, examYear: await resolveExamYear(prisma, districtCode, examYearId), siteId: siteId ?? null };
}
