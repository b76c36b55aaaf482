// Reviewer work list at scale: N candidates + dossiers over 20 sites in a fresh database, then each query end to end
// through Prisma (as the service runs it), as a ratio to a primary-key read measured in the same loop.
import { performance } from 'node:perf_hooks';
import { createPrismaClient, type PrismaClient } from '@exam/db';
import { createTestDatabase, type TestDatabase } from '@exam/testing';
import { registrationPrefix, seedDossiers } from '../../../apps/review-service/src/bench-seed.js';
import { listCandidates } from '../../../apps/review-service/src/candidate-list.service.js';
import { encodeCursor } from '../../../apps/review-service/src/list-cursor.js';
import { districtProgress } from '../../../apps/review-service/src/progress.service.js';
import type { ReviewScope } from '../../../apps/review-service/src/review-scope.js';
import { seedSite, seedYear } from '@exam/testing';
import { table, type Section } from './markdown.js';
import { fmt, ratio, seconds, summarise, type Summary } from './stats.js';

export const SITES = 20;
const PAGE = 50;
/** the site whose lists are measured (any but the first) */
const SITE = 7;

export interface WorkListOptions {
  candidates: number;
  runs: number;
  /** seeding that takes longer than this is abandoned and the size reported as skipped */
  seedBudgetMs: number;
  /** databases still to drop if the process is interrupted */
  open: Set<TestDatabase>;
  log: (msg: string) => void;
}

class SeedBudgetExceeded extends Error {}

interface Case {
  label: string;
  run: (i: number) => Promise<unknown>;
}

export async function workListSection(opts: WorkListOptions): Promise<Section> {
  const perSite = Math.ceil(opts.candidates / SITES);
  const title = `Reviewer work list, ${fmt(perSite * SITES)} dossiers`;
  const db = await createTestDatabase();
  opts.open.add(db);
  const prisma = createPrismaClient(db.url);
  try {
    const year = await seedYear(prisma, { districtCode: '12' });
    const sites = [];
    for (let i = 0; i < SITES; i++) sites.push(await seedSite(prisma, { districtCode: '12', name: `考点${i + 1}` }));

    const t0 = performance.now();
    try {
      await seedDossiers(prisma, {
        yearId: year.id,
        sites,
        perSite,
        onSite: (done, total) => {
          const ms = performance.now() - t0;
          if (done % 5 === 0 || done === total) opts.log(`  seeded ${done}/${total} sites (${seconds(ms)})`);
          if (done < total && ms > opts.seedBudgetMs) throw new SeedBudgetExceeded(`${done}/${total} sites after ${seconds(ms)}`);
        },
      });
    } catch (e) {
      if (!(e instanceof SeedBudgetExceeded)) throw e;
      return {
        title,
        intro: `Not measured: seeding exceeded the ${seconds(opts.seedBudgetMs)} budget (${e.message}).`,
        table: '',
      };
    }
    const seedMs = performance.now() - t0;
    const t1 = performance.now();
    await prisma.$executeRawUnsafe('VACUUM ANALYZE');
    const analyseMs = performance.now() - t1;
    opts.log(`  seeded in ${seconds(seedMs)}, VACUUM ANALYZE ${seconds(analyseMs)}`);

    const cases = await buildCases(prisma, year, sites, opts.runs);
    const results = await measure(cases, opts.runs, Math.min(20, opts.runs));
    const base = results[0]!.summary;
    return {
      title,
      intro:
        `${fmt(perSite * SITES)} candidates + dossiers (${fmt(perSite)} per site × ${SITES} sites, one exam year), seeded with ` +
        `set-based SQL (\`apps/review-service/src/bench-seed.ts\`) in ${seconds(seedMs)}, then \`VACUUM ANALYZE\` ` +
        `(${seconds(analyseMs)}). Each case end to end through Prisma (\`PrismaPg\` adapter), page size ${PAGE}, ` +
        `${base.runs} runs per case interleaved round-robin after ${Math.min(20, opts.runs)} warm-up rounds. ` +
        `Ratio = median ÷ baseline median.`,
      table: table(
        ['Case', ' median ms', ' p95 ms', ' ratio (median)', ' ratio (p95)'],
        results.map(({ label, summary }) => row(label, summary, base)),
      ),
    };
  } finally {
    await prisma.$disconnect();
    await db.drop();
    opts.open.delete(db);
  }
}

const row = (label: string, s: Summary, base: Summary) => [label, fmt(s.medianMs), fmt(s.p95Ms), ratio(s.medianMs, base.medianMs), ratio(s.p95Ms, base.p95Ms)];

async function buildCases(
  prisma: PrismaClient,
  year: Awaited<ReturnType<typeof seedYear>>,
  sites: Awaited<ReturnType<typeof seedSite>>[],
  runs: number,
): Promise<Case[]> {
  const site = sites[SITE]!;
  const siteScope: ReviewScope = { districtCode: '12', examYear: year, siteId: site.id };
  const districtScope: ReviewScope = { districtCode: '12', examYear: year, siteId: null };

  // baseline ids: a random sample, cycled, so the primary-key reads do not all hit one cached page
  const ids = (await prisma.$queryRaw<{ id: string }[]>`SELECT id FROM "Dossier" ORDER BY random() LIMIT ${runs}`).map((r) => r.id);

  // the deep page starts 90% of the way through the site's 待考点审核 rows
  const pending = await prisma.dossier.count({ where: { examYearId: year.id, siteId: site.id, status: 'PENDING_SITE' } });
  const deepOffset = Math.floor(pending * 0.9);
  const mid = await prisma.dossier.findFirstOrThrow({
    where: { examYearId: year.id, siteId: site.id, status: 'PENDING_SITE' },
    orderBy: [{ submittedAt: 'asc' }, { id: 'asc' }],
    skip: deepOffset,
  });
  const cursor = encodeCursor({ submittedAt: mid.submittedAt, id: mid.id });

  // registration numbers are `registrationPrefix(site)` + 6-digit serial: a 4-digit serial prefix from the middle of
  // the site matches 100 candidates (serials xxxx00..xxxx99)
  const perSite = await prisma.candidate.count({ where: { examYearId: year.id, siteId: site.id } });
  const q = `${registrationPrefix(SITE)}${String(Math.floor(perSite / 200)).padStart(4, '0')}`;
  const matches = await prisma.candidate.count({ where: { examYearId: year.id, siteId: site.id, registrationNo: { startsWith: q } } });

  const expect = (what: string, ok: boolean) => {
    if (!ok) throw new Error(`bench case returned an unexpected result: ${what}`);
  };
  const first = await listCandidates(prisma, siteScope, { limit: PAGE, status: 'PENDING_SITE' });
  expect('page 1 is full', first.items.length === PAGE && first.nextCursor !== null);
  const deep = await listCandidates(prisma, siteScope, { limit: PAGE, status: 'PENDING_SITE', cursor });
  expect('deep page is non-empty', deep.items.length > 0);
  const found = await listCandidates(prisma, siteScope, { limit: PAGE, q });
  expect('search finds its prefix', found.items.length > 0 && found.items.every((it) => it.registrationNo.startsWith(q)));
  const progress = await districtProgress(prisma, districtScope);
  expect('progress counts every site', progress.sites.length === sites.length);

  return [
    { label: 'baseline: `prisma.dossier.findUnique` by primary key', run: (i) => prisma.dossier.findUnique({ where: { id: ids[i % ids.length]! } }) },
    { label: 'site list, 待考点审核, page 1 (`listCandidates`)', run: () => listCandidates(prisma, siteScope, { limit: PAGE, status: 'PENDING_SITE' }) },
    {
      label: `site list, 待考点审核, deep page via cursor (row ${fmt(deepOffset)} of ${fmt(pending)})`,
      run: () => listCandidates(prisma, siteScope, { limit: PAGE, status: 'PENDING_SITE', cursor }),
    },
    { label: `district progress (\`districtProgress\`, ${SITES} sites × 6 statuses)`, run: () => districtProgress(prisma, districtScope) },
    {
      label: `site list, all statuses, search \`q\` = registration-number prefix (${matches} matches)`,
      run: () => listCandidates(prisma, siteScope, { limit: PAGE, q }),
    },
  ];
}

/** Runs every case once per round (round-robin, so drift hits all cases alike); warm-up rounds are not recorded. */
async function measure(cases: Case[], runs: number, warmup: number): Promise<{ label: string; summary: Summary }[]> {
  const samples = cases.map(() => [] as number[]);
  for (let round = -warmup; round < runs; round++) {
    for (const [k, c] of cases.entries()) {
      const s = performance.now();
      await c.run(round + warmup);
      const ms = performance.now() - s;
      if (round >= 0) samples[k]!.push(ms);
    }
  }
  return cases.map((c, k) => ({ label: c.label, summary: summarise(samples[k]!) }));
}
