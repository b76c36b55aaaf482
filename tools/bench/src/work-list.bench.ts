// Reviewer work list at scale: N candidates + dossiers over 20 sites in a fresh database, then each query end to end
// through Prisma (as the service runs it), as a ratio to a primary-key read measured in the same loop.
import { performance } from 'node:perf_hooks';
import { createPrismaClient, type Prisma, type PrismaClient } from '@exam/db';
import { createTestDatabase, type TestDatabase } from '@exam/testing';
import { SEED_MIX, benchName, registrationPrefix, seedDossiers } from '../../../apps/review-service/src/bench-seed.js';
import { listCandidates } from '../../../apps/review-service/src/candidate-list.service.js';
import { encodeCursor } from '../../../apps/review-service/src/list-cursor.js';
import { districtProgress, statusCounts } from '../../../apps/review-service/src/progress.service.js';
import type { ReviewScope } from '../../../apps/review-service/src/review-scope.js';
import { seedSite, seedYear } from '@exam/testing';
import { table, type Section } from './markdown.js';
import { fmt, measureRoundRobin, ratio, seconds, type Case, type Summary } from './stats.js';

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

/** a list a reviewer filters (goal: p95 < FILTERED_GOAL_MS) */
interface ListCase extends Case {
  filtered?: boolean;
}

export const FILTERED_GOAL_MS = 50;
/** district progress: median at most this many primary-key reads */
export const PROGRESS_GOAL_RATIO = 10;

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
    const results = await measureRoundRobin(cases, opts.runs, Math.min(20, opts.runs));
    const base = results[0]!.summary;
    const filtered = results.filter((_, k) => cases[k]!.filtered);
    const slow = filtered.filter((r) => r.summary.p95Ms >= FILTERED_GOAL_MS);
    const progress = results.find((r) => r.label.startsWith('district progress'))!.summary;
    const progressRatio = progress.medianMs / base.medianMs;
    return {
      title,
      intro:
        `${fmt(perSite * SITES)} candidates + dossiers (${fmt(perSite)} per site × ${SITES} sites, one exam year), seeded with ` +
        `set-based SQL (\`apps/review-service/src/bench-seed.ts\`) in ${seconds(seedMs)}, then \`VACUUM ANALYZE\` ` +
        `(${seconds(analyseMs)}). Each case end to end through Prisma (\`PrismaPg\` adapter), page size ${PAGE}, ` +
        `${base.runs} runs per case interleaved round-robin after ${Math.min(20, opts.runs)} warm-up rounds. ` +
        `Ratio = case ÷ baseline (median ÷ median, p95 ÷ p95). Seed mix (\`SEED_MIX\`): candidate types ` +
        `${Object.entries(SEED_MIX.candidateType).map(([k, v]) => `${k} ${v * 100}%`).join(', ')}; of submitted dossiers ` +
        `${SEED_MIX.autoSubmitted * 100}% autoSubmitted, ${SEED_MIX.hasUnclear * 100}% hasUnclear, ${SEED_MIX.hasReused * 100}% hasReused; ` +
        `lastAction consistent with the status (待考区审核: ${Object.entries(SEED_MIX.pendingDistrictVia).map(([k, v]) => `${k} ${Math.round(v * 100)}%`).join(', ')}).`,
      table: table(
        ['Case', ' median ms', ' p95 ms', ' ratio (median)', ' ratio (p95)'],
        results.map(({ label, summary }) => row(label, summary, base)),
      ),
      notes: [
        `Goal: every filtered list p95 < ${FILTERED_GOAL_MS} ms — ${slow.length ? `NOT met by ${slow.map((r) => `${r.label} (${fmt(r.summary.p95Ms)} ms)`).join('; ')}` : `met (worst p95 ${fmt(Math.max(...filtered.map((r) => r.summary.p95Ms)))} ms)`}.`,
        `Goal: district progress ≤ ${PROGRESS_GOAL_RATIO}× the primary-key read (median) — ${progressRatio <= PROGRESS_GOAL_RATIO ? 'met' : 'NOT met'} (${progressRatio.toFixed(2)}×; it was 106.80× when it counted the dossiers with GROUP BY).`,
      ],
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
): Promise<ListCase[]> {
  const site = sites[SITE]!;
  const siteScope: ReviewScope = { districtCode: '12', examYear: year, siteId: site.id };
  const districtScope: ReviewScope = { districtCode: '12', examYear: year, siteId: null };
  const inSite = { examYearId: year.id, siteId: site.id };

  // baseline ids: a random sample, cycled, so the primary-key reads do not all hit one cached page
  const ids = (await prisma.$queryRaw<{ id: string }[]>`SELECT id FROM "Dossier" ORDER BY random() LIMIT ${runs}`).map((r) => r.id);

  // a cursor `share` of the way through the rows of `where` (in list order)
  const cursorAt = async (where: Prisma.DossierWhereInput, share: number) => {
    const n = await prisma.dossier.count({ where });
    const at = Math.floor(n * share);
    const d = await prisma.dossier.findFirstOrThrow({ where, orderBy: [{ submittedAt: 'asc' }, { id: 'asc' }], skip: at });
    return { n, at, cursor: encodeCursor({ submittedAt: d.submittedAt, id: d.id }) };
  };
  const count = (where: Prisma.DossierWhereInput) => prisma.dossier.count({ where });

  // the deep page starts 90% of the way through the site's 待考点审核 rows
  const deep = await cursorAt({ ...inSite, status: 'PENDING_SITE' }, 0.9);
  const TYPE = 'TCM_MENTORSHIP' as const; // the rarest candidate type
  const typeWhere: Prisma.DossierWhereInput = { ...inSite, status: 'PENDING_SITE', candidate: { candidateType: TYPE } };
  const typeDeep = await cursorAt(typeWhere, 0.9);
  const nAuto = await count({ ...inSite, status: 'PENDING_SITE', autoSubmitted: true });
  const nUnclear = await count({ ...inSite, status: 'PENDING_SITE', hasUnclear: true });
  const nReused = await count({ ...inSite, status: 'PENDING_SITE', hasReused: true });
  const nReusedAll = await count({ ...inSite, hasReused: true });
  const nSitePending = await count({ ...inSite, status: 'PENDING_SITE' });
  const nDistrictPending = await count({ examYearId: year.id, status: 'PENDING_DISTRICT' });
  const nResubmit = await count({ examYearId: year.id, status: 'PENDING_DISTRICT', lastAction: 'RESUBMIT' });
  const nDistrictReused = await count({ examYearId: year.id, status: 'PENDING_DISTRICT', hasReused: true });

  // registration numbers are `registrationPrefix(site)` + 6-digit serial: a 4-digit serial prefix from the middle of
  // the site matches 100 candidates (serials xxxx00..xxxx99)
  const perSite = await prisma.candidate.count({ where: inSite });
  const q = `${registrationPrefix(SITE)}${String(Math.floor(perSite / 200)).padStart(4, '0')}`;
  const matches = await prisma.candidate.count({ where: { ...inSite, registrationNo: { startsWith: q } } });
  // a name prefix shared by many (王考生1…) and one full name (one candidate of the site)
  const namePrefix = `${benchName(8)}`.replace(/\d+$/, '1');
  const nNamePrefix = await prisma.candidate.count({ where: { ...inSite, name: { startsWith: namePrefix } } });
  const fullName = benchName(Math.floor(perSite * 0.6) + 1);
  const nFullName = await prisma.candidate.count({ where: { ...inSite, name: fullName } });

  const expect = (what: string, ok: boolean) => {
    if (!ok) throw new Error(`bench case returned an unexpected result: ${what}`);
  };
  type Q = Parameters<typeof listCandidates>[2];
  const list = (scope: ReviewScope, query: Omit<Q, 'limit'>) => listCandidates(prisma, scope, { limit: PAGE, ...query });
  // every case answers what its label says (checked once before timing)
  const check = async (what: string, scope: ReviewScope, query: Omit<Q, 'limit'>, ok: (it: Awaited<ReturnType<typeof list>>['items'][number]) => boolean, full = true) => {
    const r = await list(scope, query);
    expect(`${what}: non-empty`, r.items.length > 0);
    expect(`${what}: a full page`, !full || r.items.length === PAGE);
    expect(`${what}: matches its filter`, r.items.every(ok));
  };
  await check('page 1', siteScope, { status: 'PENDING_SITE' }, (it) => it.status === 'PENDING_SITE');
  await check('deep page', siteScope, { status: 'PENDING_SITE', cursor: deep.cursor }, (it) => it.status === 'PENDING_SITE', false);
  await check('type', siteScope, { status: 'PENDING_SITE', candidateType: TYPE }, (it) => it.candidateType === TYPE);
  await check('type deep', siteScope, { status: 'PENDING_SITE', candidateType: TYPE, cursor: typeDeep.cursor }, (it) => it.candidateType === TYPE, false);
  await check('auto', siteScope, { status: 'PENDING_SITE', autoSubmitted: true }, (it) => it.autoSubmitted && it.lastAction === 'AUTO_SUBMIT');
  await check('unclear', siteScope, { status: 'PENDING_SITE', warning: 'UNCLEAR' }, (it) => it.hasUnclear);
  await check('reused', siteScope, { status: 'PENDING_SITE', warning: 'REUSED' }, (it) => it.hasReused, nReused >= PAGE);
  await check('reused, all statuses', siteScope, { warning: 'REUSED' }, (it) => it.hasReused, nReusedAll >= PAGE);
  await check('via', districtScope, { status: 'PENDING_DISTRICT', via: 'RESUBMIT' }, (it) => it.lastAction === 'RESUBMIT');
  await check('district reused', districtScope, { status: 'PENDING_DISTRICT', warning: 'REUSED' }, (it) => it.hasReused);
  await check('报名号 prefix', siteScope, { q }, (it) => it.registrationNo.startsWith(q));
  await check('name prefix', siteScope, { q: namePrefix }, (it) => it.name.startsWith(namePrefix));
  await check('full name', siteScope, { q: fullName }, (it) => it.name === fullName, false);
  const progress = await districtProgress(prisma, districtScope);
  expect('progress counts every site', progress.sites.length === sites.length);
  expect('progress totals the seeded dossiers', progress.sites.reduce((a, s) => a + s.total, 0) === (await prisma.dossier.count({ where: { examYearId: year.id } })));
  const counts = await statusCounts(prisma, siteScope);
  expect('statusCounts of the site', counts.total === perSite && counts.counts.PENDING_SITE === nSitePending);

  const of = (n: number, m: number) => `${fmt(n)} of ${fmt(m)}`;
  return [
    { label: 'baseline: `prisma.dossier.findUnique` by primary key', run: (i) => prisma.dossier.findUnique({ where: { id: ids[i % ids.length]! } }) },
    { label: 'site list, 待考点审核, page 1 (`listCandidates`)', run: () => list(siteScope, { status: 'PENDING_SITE' }) },
    {
      label: `site list, 待考点审核, deep page via cursor (row ${fmt(deep.at)} of ${fmt(deep.n)})`,
      run: () => list(siteScope, { status: 'PENDING_SITE', cursor: deep.cursor }),
    },
    {
      label: `site list, 待考点审核 + candidateType=${TYPE} (${of(typeDeep.n, nSitePending)} match)`,
      filtered: true,
      run: () => list(siteScope, { status: 'PENDING_SITE', candidateType: TYPE }),
    },
    {
      label: `site list, 待考点审核 + candidateType=${TYPE}, deep page via cursor (row ${fmt(typeDeep.at)} of ${fmt(typeDeep.n)})`,
      filtered: true,
      run: () => list(siteScope, { status: 'PENDING_SITE', candidateType: TYPE, cursor: typeDeep.cursor }),
    },
    {
      label: `site list, 待考点审核 + autoSubmitted=true (${of(nAuto, nSitePending)})`,
      filtered: true,
      run: () => list(siteScope, { status: 'PENDING_SITE', autoSubmitted: true }),
    },
    {
      label: `site list, 待考点审核 + warning=UNCLEAR (${of(nUnclear, nSitePending)})`,
      filtered: true,
      run: () => list(siteScope, { status: 'PENDING_SITE', warning: 'UNCLEAR' }),
    },
    {
      label: `site list, 待考点审核 + warning=REUSED (${of(nReused, nSitePending)})`,
      filtered: true,
      run: () => list(siteScope, { status: 'PENDING_SITE', warning: 'REUSED' }),
    },
    {
      label: `site list, all statuses + warning=REUSED (${of(nReusedAll, perSite)})`,
      filtered: true,
      run: () => list(siteScope, { warning: 'REUSED' }),
    },
    {
      label: `district queue, 待考区审核 + via=RESUBMIT (${of(nResubmit, nDistrictPending)})`,
      filtered: true,
      run: () => list(districtScope, { status: 'PENDING_DISTRICT', via: 'RESUBMIT' }),
    },
    {
      label: `district queue, 待考区审核 + warning=REUSED (${of(nDistrictReused, nDistrictPending)})`,
      filtered: true,
      run: () => list(districtScope, { status: 'PENDING_DISTRICT', warning: 'REUSED' }),
    },
    {
      label: `site list, all statuses, search \`q\` = 报名号 prefix (${matches} matches)`,
      filtered: true,
      run: () => list(siteScope, { q }),
    },
    {
      label: `site list, all statuses, search \`q\` = name prefix “${namePrefix}” (${fmt(nNamePrefix)} matches)`,
      filtered: true,
      run: () => list(siteScope, { q: namePrefix }),
    },
    {
      label: `site list, all statuses, search \`q\` = full name “${fullName}” (${nFullName} match)`,
      filtered: true,
      run: () => list(siteScope, { q: fullName }),
    },
    { label: `district progress (\`districtProgress\`, ${SITES} sites × 6 statuses)`, run: () => districtProgress(prisma, districtScope) },
    { label: 'status counts of one site (`statusCounts`)', run: () => statusCounts(prisma, siteScope) },
  ];
}
