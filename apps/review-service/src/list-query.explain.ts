// Benchmark (not a test): seeds dossiers into a throw-away database and prints the EXPLAIN ANALYZE plans and
// timings of the reviewer work-list queries, the filtered ones included.
//   npx tsx apps/review-service/src/list-query.explain.ts            (2,500 per site × 20 sites)
//   EXPLAIN_PER_SITE=50000 npx tsx apps/review-service/src/list-query.explain.ts   (1,000,000 in the current year)
//   EXPLAIN_SQL='CREATE INDEX ...;...' runs extra statements (e.g. a candidate index) before measuring.
/* eslint-disable no-console */
import { performance } from 'node:perf_hooks';
import { Prisma, createPrismaClient } from '@exam/db';
import { createTestDatabase } from '@exam/testing';
import { benchName, registrationPrefix, seedDossiers } from './bench-seed.js';
import { listCandidates, listPlan, regionSql } from './candidate-list.service.js';
import { encodeCursor } from './list-cursor.js';
import type { ReviewListQuery, ReviewScope } from './review-scope.js';
import { seedSite, seedYear } from '@exam/testing';

const SITES = 20;
const PER_SITE = Number(process.env['EXPLAIN_PER_SITE'] || 2_500);
const OLDER_PER_SITE = Math.max(1, Math.floor(PER_SITE / 4));

const db = await createTestDatabase();
const prisma = createPrismaClient(db.url);
try {
  const year = await seedYear(prisma, { districtCode: '12' });
  const older = await seedYear(prisma, { districtCode: '12', uploadStart: new Date('2025-01-29T02:00:00Z'), uploadEnd: new Date('2025-02-11T16:00:00Z') });
  const sites = [];
  for (let i = 0; i < SITES; i++) sites.push(await seedSite(prisma, { districtCode: '12', name: `考点${i + 1}` }));

  const t0 = performance.now();
  // the older year gets a quarter as many, so the current-year filter matters
  await seedDossiers(prisma, { yearId: year.id, sites, perSite: PER_SITE });
  await seedDossiers(prisma, { yearId: older.id, sites, perSite: OLDER_PER_SITE });
  await prisma.$executeRawUnsafe('VACUUM ANALYZE');
  const total = await prisma.dossier.count();
  console.log(`seeded ${total} dossiers (${SITES} sites; current year ${SITES * PER_SITE}) in ${Math.round(performance.now() - t0)} ms\n`);
  const mix = await prisma.$queryRaw<Record<string, unknown>[]>`
    SELECT d.status, count(*)::int AS n, avg(d."autoSubmitted"::int)::numeric(6,4) AS auto, avg(d."hasUnclear"::int)::numeric(6,4) AS unclear,
           avg(d."hasReused"::int)::numeric(6,4) AS reused, string_agg(DISTINCT d."lastAction", ',') AS actions
    FROM "Dossier" d WHERE d."examYearId" = ${year.id}::uuid GROUP BY 1 ORDER BY 1`;
  console.table(mix);
  for (const stmt of (process.env['EXPLAIN_SQL'] ?? '').split(';').map((s) => s.trim()).filter(Boolean)) {
    const s = performance.now();
    await prisma.$executeRawUnsafe(stmt);
    console.log(`ran ${stmt} (${Math.round(performance.now() - s)} ms)`);
  }
  if (process.env['EXPLAIN_SQL']) await prisma.$executeRawUnsafe('ANALYZE');

  const site = sites[7]!;
  const siteScope: ReviewScope = { districtCode: '12', examYear: year, siteId: site.id };
  const districtScope: ReviewScope = { districtCode: '12', examYear: year, siteId: null };
  const base: ReviewListQuery = { limit: 50 };
  // a cursor in the middle of the site's submitted rows
  const mid = await prisma.dossier.findFirstOrThrow({
    where: { examYearId: year.id, siteId: site.id, status: 'PENDING_SITE', submittedAt: { not: null } },
    orderBy: [{ submittedAt: 'asc' }, { id: 'asc' }],
    skip: Math.floor(PER_SITE * 0.2),
  });
  const cursor = encodeCursor({ submittedAt: mid.submittedAt, id: mid.id });
  const midDraft = await prisma.dossier.findFirstOrThrow({
    where: { examYearId: year.id, siteId: site.id, status: 'DRAFT' },
    orderBy: [{ id: 'asc' }],
    skip: Math.floor(PER_SITE * 0.1),
  });
  const draftCursor = encodeCursor({ submittedAt: null, id: midDraft.id });

  const cases: [string, ReviewScope, ReviewListQuery, 'submitted' | 'drafts'][] = [
    ['site, 待考点审核, page 1', siteScope, { ...base, status: 'PENDING_SITE' }, 'submitted'],
    ['site, 待考点审核, deep page (cursor)', siteScope, { ...base, status: 'PENDING_SITE', cursor }, 'submitted'],
    ['site, all statuses, page 1', siteScope, base, 'submitted'],
    ['site, drafts region', siteScope, { ...base, status: 'DRAFT' }, 'drafts'],
    ['site, drafts region, deep page (cursor)', siteScope, { ...base, status: 'DRAFT', cursor: draftCursor }, 'drafts'],
    ['site, 待考点审核 + candidateType=TCM_MENTORSHIP', siteScope, { ...base, status: 'PENDING_SITE', candidateType: 'TCM_MENTORSHIP' }, 'submitted'],
    ['site, 待考点审核 + autoSubmitted', siteScope, { ...base, status: 'PENDING_SITE', autoSubmitted: true }, 'submitted'],
    ['site, 待考点审核 + warning=UNCLEAR', siteScope, { ...base, status: 'PENDING_SITE', warning: 'UNCLEAR' }, 'submitted'],
    ['site, 待考点审核 + warning=REUSED', siteScope, { ...base, status: 'PENDING_SITE', warning: 'REUSED' }, 'submitted'],
    ['site, all statuses + warning=REUSED (submitted region)', siteScope, { ...base, warning: 'REUSED' }, 'submitted'],
    ['site, all statuses + warning=REUSED (drafts region)', siteScope, { ...base, warning: 'REUSED' }, 'drafts'],
    ['district, 待考区审核 + via=RESUBMIT', districtScope, { ...base, status: 'PENDING_DISTRICT', via: 'RESUBMIT' }, 'submitted'],
    ['district, 待考区审核 + warning=REUSED', districtScope, { ...base, status: 'PENDING_DISTRICT', warning: 'REUSED' }, 'submitted'],
    ['site, search q=王考生1', siteScope, { ...base, q: '王考生1' }, 'submitted'],
    [`site, search q=${benchName(12345)} (1 match)`, siteScope, { ...base, q: benchName(12345) }, 'submitted'],
    [`site, search q=${benchName(12345)} (1 match, drafts region)`, siteScope, { ...base, q: benchName(12345) }, 'drafts'],
    ['site, search 报名号 prefix (100 matches)', siteScope, { ...base, q: `${registrationPrefix(7)}0012` }, 'submitted'],
    ['district, 待考区审核, page 1', districtScope, { ...base, status: 'PENDING_DISTRICT' }, 'submitted'],
  ];
  const only = process.env['EXPLAIN_ONLY'];
  for (const [label, scope, query, region] of cases) {
    if (only && !label.includes(only)) continue;
    const plan = listPlan(scope.examYear!.id, scope.siteId, query);
    const sql = regionSql(plan.filters, plan.joins, plan.statuses, region, plan.after, plan.take, plan.oneBranch);
    const rows = await prisma.$queryRaw<{ 'QUERY PLAN': string }[]>(Prisma.sql`EXPLAIN (ANALYZE, BUFFERS) ${sql}`);
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const s = performance.now();
      await listCandidates(prisma, scope, query);
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    console.log(`=== ${label}: listCandidates median ${times[15]!.toFixed(2)} ms, p90 ${times[27]!.toFixed(2)} ms (end to end via Prisma)`);
    console.log(rows.map((r) => r['QUERY PLAN']).join('\n'), '\n');
  }
} finally {
  await prisma.$disconnect();
  await db.drop();
}
