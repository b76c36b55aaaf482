import type { DistrictProgressResponse, DossierStatus, SiteProgress, StatusCountsResponse } from '@exam/api';
import type { PrismaClient } from '@exam/db';
import { DOSSIER_STATUSES } from '@exam/domain';
import type { ReviewScope } from './review-scope.js';

const zeroCounts = (): Record<DossierStatus, number> =>
  Object.fromEntries(DOSSIER_STATUSES.map((s) => [s, 0])) as Record<DossierStatus, number>;

/**
 * Per-site dossier counts by status for one exam year of the district, read from the counters the database keeps
 * on every dossier write (DossierStatusCount; a few rows per site, whatever the number of candidates).
 * Sites without dossiers show zeros.
 */
export async function districtProgress(prisma: PrismaClient, scope: ReviewScope): Promise<DistrictProgressResponse> {
  const sites = await prisma.examSite.findMany({ where: { districtCode: scope.districtCode }, orderBy: [{ code: 'asc' }] });
  const bySite = new Map<string, SiteProgress>(
    sites.map((s) => [s.id, { siteId: s.id, siteName: s.name, counts: zeroCounts(), total: 0 }]),
  );
  if (scope.examYear) {
    const rows = await prisma.dossierStatusCount.findMany({ where: { examYearId: scope.examYear.id } });
    for (const r of rows) {
      const site = bySite.get(r.siteId);
      if (!site) continue; // a dossier of another district's site cannot be in this year; ignore defensively
      site.counts[r.status] += r.n;
      site.total += r.n;
    }
  }
  return { sites: [...bySite.values()] };
}

/** Dossiers per status in the scope (the whole district, or one site) — the badges of the work lists. */
export async function statusCounts(prisma: PrismaClient, scope: ReviewScope): Promise<StatusCountsResponse> {
  const counts = zeroCounts();
  let total = 0;
  if (scope.examYear) {
    const rows = await prisma.dossierStatusCount.findMany({
      where: { examYearId: scope.examYear.id, ...(scope.siteId ? { siteId: scope.siteId } : {}) },
    });
    for (const r of rows) {
      counts[r.status] += r.n;
      total += r.n;
    }
  }
  return { counts, total };
}
