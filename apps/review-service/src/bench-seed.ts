// Set-based seeding of reviewer work-list data for benchmarks (not for tests): one INSERT ... SELECT per site.
// Used by list-query.explain.ts and tools/bench.
import type { PrismaClient } from '@exam/db';

/** Digits-only 报名号 like the real ones: `26` + 4-digit site ordinal (1-based) + 6-digit serial, e.g. 260008001234. */
export function registrationPrefix(siteIndex: number): string {
  return `26${String(siteIndex + 1).padStart(4, '0')}`;
}

export interface SeedDossiersOptions {
  yearId: string;
  /** the sites; the n-th (0-based) gets registration numbers `registrationPrefix(n)` + 6-digit serial */
  sites: readonly { id: string }[];
  /** candidates (each with one dossier) per site; at most 999,999 */
  perSite: number;
  /** called after each site's rows are inserted; throw from it to stop seeding (e.g. a time budget) */
  onSite?: (done: number, total: number) => void;
}

/**
 * Inserts `perSite` candidates with one dossier each into every site of `yearId`. Status mix: 40% PENDING_SITE,
 * 20% DRAFT (never submitted), 15% PENDING_DISTRICT, 10% RETURNED, 10% APPROVED, 5% REJECTED; submitted dossiers get
 * a random submittedAt over the 13-day 2026 upload window. Names are `<surname>考生<serial>`; registration numbers see `registrationPrefix`. Returns rows inserted.
 */
export async function seedDossiers(prisma: PrismaClient, opts: SeedDossiersOptions): Promise<number> {
  const { yearId, sites, perSite } = opts;
  if (!Number.isInteger(perSite) || perSite < 1 || perSite > 999_999) throw new Error(`perSite must be 1..999999, got ${perSite}`);
  let inserted = 0;
  for (const [i, site] of sites.entries()) {
    // `random() + (c.id IS NULL)::int` refers to the row so Postgres draws one status per dossier, not one per statement
    inserted += await prisma.$executeRaw`
      WITH c AS (
        INSERT INTO "Candidate" (id, "examYearId", "siteId", "registrationNo", name, "candidateType", "unitName", "idNumberEnc", "idNumberHash", "updatedAt")
        SELECT gen_random_uuid(), ${yearId}::uuid, ${site.id}::uuid, ${registrationPrefix(i)} || lpad(g::text, 6, '0'),
               (ARRAY['王','李','张','刘','陈','杨','赵','黄'])[1 + g % 8] || '考生' || g, 'GRADUATE', '某医院',
               '\\x00'::bytea, md5(g::text) || md5(g::text), now()
        FROM generate_series(1, ${perSite}::int) g
        RETURNING id, "siteId"
      )
      INSERT INTO "Dossier" (id, "candidateId", "examYearId", "siteId", status, "submittedAt", "updatedAt")
      SELECT gen_random_uuid(), c.id, ${yearId}::uuid, c."siteId", s.status::"DossierStatus",
             CASE WHEN s.status = 'DRAFT' THEN NULL ELSE timestamptz '2026-01-29 02:00Z' + random() * interval '13 days' END,
             now()
      FROM c CROSS JOIN LATERAL (
        SELECT CASE WHEN r < 0.40 THEN 'PENDING_SITE' WHEN r < 0.60 THEN 'DRAFT' WHEN r < 0.75 THEN 'PENDING_DISTRICT'
                    WHEN r < 0.85 THEN 'RETURNED' WHEN r < 0.95 THEN 'APPROVED' ELSE 'REJECTED' END AS status
        FROM (SELECT random() + (c.id IS NULL)::int AS r) x
      ) s`;
    opts.onSite?.(i + 1, sites.length);
  }
  return inserted;
}
