// Benchmark (not a test): seeds ~50,000 dossiers into a throw-away database and prints the EXPLAIN ANALYZE plans and
// timings of the reviewer work-list queries.   npx tsx apps/review-service/src/list-query.explain.ts
/* eslint-disable no-console */
import { performance } from 'node:perf_hooks';
import { Prisma, createPrismaClient } from '@exam/db';
import { createTestDatabase } from '@exam/testing';
import { registrationPrefix, seedDossiers } from './bench-seed.js';
import { listCandidates, listPlan, regionSql } from './candidate-list.service.js';
import { encodeCursor } from './list-cursor.js';
import type { ReviewListQuery, ReviewScope } from './review-scope.js';
import { seedSite, seedYear } from '@exam/testing';

const SITES = 20;
const PER_SITE = 2_500;

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
  await seedDossiers(prisma, { yearId: older.id, sites, perSite: PER_SITE / 4 });
  await prisma.$executeRawUnsafe('ANALYZE');
  const total = await prisma.dossier.count();
  console.log(`seeded ${total} dossiers (${SITES} sites; current year ${SITES * PER_SITE}) in ${Math.round(performance.now() - t0)} ms\n`);

  const site = sites[7]!;
  const siteScope: ReviewScope = { districtCode: '12', examYear: year, siteId: site.id };
  const districtScope: ReviewScope = { districtCode: '12', examYear: year, siteId: null };
  const base: ReviewListQuery = { limit: 50 };
  // a cursor in the middle of the site's submitted rows
  const mid = await prisma.dossier.findFirstOrThrow({
    where: { examYearId: year.id, siteId: site.id, status: 'PENDING_SITE', submittedAt: { not: null } },
    orderBy: [{ submittedAt: 'asc' }, { id: 'asc' }],
    skip: 500,
  });
  const cursor = encodeCursor({ submittedAt: mid.submittedAt, id: mid.id });
  const midDraft = await prisma.dossier.findFirstOrThrow({
    where: { examYearId: year.id, siteId: site.id, status: 'DRAFT' },
    orderBy: [{ id: 'asc' }],
    skip: 300,
  });
  const draftCursor = encodeCursor({ submittedAt: null, id: midDraft.id });

  const cases: [string, ReviewScope, ReviewListQuery, 'submitted' | 'drafts'][] = [
    ['site, 待考点审核, page 1', siteScope, { ...base, status: 'PENDING_SITE' }, 'submitted'],
    ['site, 待考点审核, deep page (cursor)', siteScope, { ...base, status: 'PENDING_SITE', cursor }, 'submitted'],
    ['site, all statuses, page 1', siteScope, base, 'submitted'],
    ['site, drafts region', siteScope, { ...base, status: 'DRAFT' }, 'drafts'],
    ['site, drafts region, deep page (cursor)', siteScope, { ...base, status: 'DRAFT', cursor: draftCursor }, 'drafts'],
    ['site, search q=王考生1', siteScope, { ...base, q: '王考生1' }, 'submitted'],
    ['site, search 报名号 prefix (100 matches)', siteScope, { ...base, q: `${registrationPrefix(7)}0012` }, 'submitted'],
    ['district, 待考区审核, page 1', districtScope, { ...base, status: 'PENDING_DISTRICT' }, 'submitted'],
  ];
  for (const [label, scope, query, region] of cases) {
    const plan = listPlan(scope.examYear!.id, scope.siteId, query);
    const sql = regionSql(plan.filters, plan.joins, plan.statuses, region, plan.after, plan.take);
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
