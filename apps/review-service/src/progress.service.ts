import type { DistrictProgressResponse, DossierStatus, SiteProgress } from '@exam/api';
import type { PrismaClient } from '@exam/db';
import { DOSSIER_STATUSES } from '@exam/domain';
import type { ReviewScope } from './review-scope.js';

const zeroCounts = (): Record<DossierStatus, number> =>
  Object.fromEntries(DOSSIER_STATUSES.map((s) => [s, 0])) as Record<DossierStatus, number>;

/** Per-site dossier counts by status for one exam year of the district (one GROUP BY). Sites without dossiers show zeros. */
export async function districtProgress(prisma: PrismaClient, scope: ReviewScope): Promise<DistrictProgressResponse> {
  const sites = await prisma.examSite.findMany({ where: { districtCode: scope.districtCode }, orderBy: [{ code: 'asc' }] });
  const bySite = new Map<string, SiteProgress>(
    sites.map((s) => [s.id, { siteId: s.id, siteName: s.name, counts: zeroCounts(), total: 0 }]),
  );
  if (scope.examYear) {
    const groups = await prisma.$queryRaw<{ siteId: string; status: DossierStatus; n: number }[]>`
      SELECT d."siteId", d.status, count(*)::int AS n
      FROM "Dossier" d
      WHERE d."examYearId" = ${scope.examYear.id}::uuid
      GROUP BY d."siteId", d.status`;
    for (const g of groups) {
      const site = bySite.get(g.siteId);
      if (!site) continue; // a dossier of another district's site cannot be in this year; ignore defensively
      site.counts[g.status] = g.n;
      site.total += g.n;
    }
  }
  return { sites: [...bySite.values()] };
}
