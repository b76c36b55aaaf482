// Set-based seeding of reviewer work-list data for benchmarks (not for tests): one INSERT ... SELECT per site.
// Used by list-query.explain.ts and tools/bench.
import type { PrismaClient } from '@exam/db';

/** Digits-only 报名号 like the real ones: `26` + 4-digit site ordinal (1-based) + 6-digit serial, e.g. 260008001234. */
export function registrationPrefix(siteIndex: number): string {
  return `26${String(siteIndex + 1).padStart(4, '0')}`;
}

/** The name of the candidate with serial `g` (1-based) of any site: `<surname>考生<g>`. */
export function benchName(g: number): string {
  return `${['王', '李', '张', '刘', '陈', '杨', '赵', '黄'][g % 8]!}考生${g}`;
}

/**
 * The shares the seed draws with (independently per row), so a benchmark can state how many rows a filter matches.
 * Status: 40% PENDING_SITE, 20% DRAFT (never submitted), 15% PENDING_DISTRICT, 10% RETURNED, 10% APPROVED, 5% REJECTED.
 */
export const SEED_MIX = {
  candidateType: { GRADUATE: 0.7, FRESH_GRADUATE: 0.15, ASSISTANT_UPGRADE: 0.1, TCM_MENTORSHIP: 0.05 },
  /** of submitted dossiers (截止自动提交; PENDING_SITE ones then have lastAction AUTO_SUBMIT) */
  autoSubmitted: 0.03,
  /** of submitted dossiers */
  hasUnclear: 0.05,
  /** of submitted dossiers */
  hasReused: 0.005,
  /** lastAction of PENDING_DISTRICT dossiers (how they got there) */
  pendingDistrictVia: { SITE_PASS: 0.8, SITE_PROPOSE_REJECT: 0.08, RESUBMIT: 0.09, RETURN_EXPIRED: 0.03 },
} as const;

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
 * Inserts `perSite` candidates with one dossier each into every site of `yearId`, with the status and flag mix of
 * `SEED_MIX`: candidate types; autoSubmitted / hasUnclear / hasReused on submitted dossiers only; lastAction
 * consistent with the status (DRAFT: none; PENDING_SITE: SUBMIT or AUTO_SUBMIT; PENDING_DISTRICT: SITE_PASS,
 * SITE_PROPOSE_REJECT (proposedRejection set), RESUBMIT or RETURN_EXPIRED; RETURNED: SITE_RETURN or DISTRICT_RETURN;
 * APPROVED / REJECTED: the district's decision). Submitted dossiers get a random submittedAt over the 13-day 2026
 * upload window. Names see `benchName`; registration numbers see `registrationPrefix`. Returns rows inserted.
 */
export async function seedDossiers(prisma: PrismaClient, opts: SeedDossiersOptions): Promise<number> {
  const { yearId, sites, perSite } = opts;
  if (!Number.isInteger(perSite) || perSite < 1 || perSite > 999_999) throw new Error(`perSite must be 1..999999, got ${perSite}`);
  const t = SEED_MIX.candidateType;
  const v = SEED_MIX.pendingDistrictVia;
  let inserted = 0;
  for (const [i, site] of sites.entries()) {
    // Every random() sits in the target list of its own subquery: Postgres does not flatten a subquery with volatile
    // outputs, so each is drawn once per row and the CASEs above it read one value (not a fresh draw per WHEN).
    inserted += await prisma.$executeRaw`
      WITH c AS (
        INSERT INTO "Candidate" (id, "examYearId", "siteId", "registrationNo", name, "candidateType", "unitName", "idNumberEnc", "idNumberHash", "updatedAt")
        SELECT gen_random_uuid(), ${yearId}::uuid, ${site.id}::uuid, ${registrationPrefix(i)} || lpad(g::text, 6, '0'),
               (ARRAY['王','李','张','刘','陈','杨','赵','黄'])[1 + g % 8] || '考生' || g,
               (CASE WHEN rt < ${t.GRADUATE}::float8 THEN 'GRADUATE'
                     WHEN rt < ${t.GRADUATE + t.FRESH_GRADUATE}::float8 THEN 'FRESH_GRADUATE'
                     WHEN rt < ${t.GRADUATE + t.FRESH_GRADUATE + t.ASSISTANT_UPGRADE}::float8 THEN 'ASSISTANT_UPGRADE'
                     ELSE 'TCM_MENTORSHIP' END)::"CandidateType",
               '某医院', '\\x00'::bytea, md5(g::text) || md5(g::text), now()
        FROM (SELECT g, random() AS rt FROM generate_series(1, ${perSite}::int) g) gs
        RETURNING id, "siteId"
      ),
      drawn AS (
        SELECT id, "siteId", random() AS r, random() AS ra, random() AS ru, random() AS rr, random() AS rw,
               timestamptz '2026-01-29 02:00Z' + random() * interval '13 days' AS ts
        FROM c
      ),
      st AS (
        SELECT drawn.*,
               CASE WHEN r < 0.40 THEN 'PENDING_SITE' WHEN r < 0.60 THEN 'DRAFT' WHEN r < 0.75 THEN 'PENDING_DISTRICT'
                    WHEN r < 0.85 THEN 'RETURNED' WHEN r < 0.95 THEN 'APPROVED' ELSE 'REJECTED' END AS status
        FROM drawn
      ),
      x AS (
        SELECT st.*, status <> 'DRAFT' AS submitted,
               CASE status
                 WHEN 'DRAFT' THEN NULL
                 WHEN 'PENDING_SITE' THEN CASE WHEN ra < ${SEED_MIX.autoSubmitted}::float8 THEN 'AUTO_SUBMIT' ELSE 'SUBMIT' END
                 WHEN 'PENDING_DISTRICT' THEN
                   CASE WHEN rw < ${v.SITE_PASS}::float8 THEN 'SITE_PASS'
                        WHEN rw < ${v.SITE_PASS + v.SITE_PROPOSE_REJECT}::float8 THEN 'SITE_PROPOSE_REJECT'
                        WHEN rw < ${v.SITE_PASS + v.SITE_PROPOSE_REJECT + v.RESUBMIT}::float8 THEN 'RESUBMIT'
                        ELSE 'RETURN_EXPIRED' END
                 WHEN 'RETURNED' THEN CASE WHEN rw < 0.85 THEN 'SITE_RETURN' ELSE 'DISTRICT_RETURN' END
                 WHEN 'APPROVED' THEN 'DISTRICT_APPROVE'
                 ELSE 'DISTRICT_REJECT' END AS action
        FROM st
      )
      INSERT INTO "Dossier" (id, "candidateId", "examYearId", "siteId", status, "submittedAt", "autoSubmitted", "proposedRejection",
                             "lastAction", "hasUnclear", "hasReused", "updatedAt")
      SELECT gen_random_uuid(), x.id, ${yearId}::uuid, x."siteId", x.status::"DossierStatus",
             CASE WHEN submitted THEN ts END,
             submitted AND ra < ${SEED_MIX.autoSubmitted}::float8,
             action IS NOT DISTINCT FROM 'SITE_PROPOSE_REJECT',
             action,
             submitted AND ru < ${SEED_MIX.hasUnclear}::float8,
             submitted AND rr < ${SEED_MIX.hasReused}::float8,
             now()
      FROM x`;
    opts.onSite?.(i + 1, sites.length);
  }
  return inserted;
}
