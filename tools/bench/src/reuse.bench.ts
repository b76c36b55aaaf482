// Reused-image look-up at scale: N perceptual hashes of one exam year in a fresh database (set-based SQL), then the
// worker's look-up (`findReuseSql` of apps/workers/src/reuse.service.ts) end to end through Prisma for random probes,
// as a ratio to a primary-key read of "ImageHash" measured in the same loop.
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Prisma, createPrismaClient, type PrismaClient } from '@exam/db';
import { REUSE_MAX_DISTANCE, hashBands, hashToBigInt, hammingDistance64 } from '@exam/domain';
import { createTestDatabase, type TestDatabase } from '@exam/testing';
import { findReuseSql } from '../../../apps/workers/src/reuse.service.js';
import { table, type Section } from './markdown.js';
import { fmt, measureRoundRobin, ratio, seconds, type Case, type Summary } from './stats.js';

/** rows inserted per statement (the seed-time budget is checked between statements) */
const CHUNK = 500_000;
/** images per dossier */
const PER_DOSSIER = 12;
/** share of rows that carry one of the COMMON hashes (photos of blank pages, the same form photographed again) */
const COMMON_SHARE = 0.05;
/** the few very common hashes (hex, like Image.phash): all-dark / all-white pages and a few frequent forms */
export const COMMON = ['0000000000000000', 'ffffffffffffffff', '8000000000000000', 'fffefcf8f0e0c080', '00ff00ff00ff00ff', 'c3c3c3c3c3c3c3c3', '7e3c18187e3c1818', 'e0e0e0e0f0f0f0f0'];
/** the look-up must answer within this per image (p95) */
export const REUSE_GOAL_MS = 5;

export interface ReuseOptions {
  hashes: number;
  runs: number;
  /** seeding that takes longer than this is abandoned and the section reported as not measured */
  seedBudgetMs: number;
  open: Set<TestDatabase>;
  log: (msg: string) => void;
}

interface Probe {
  hex: string;
  dossierId: string;
}

const toHex = (h: bigint) => BigInt.asUintN(64, h).toString(16).padStart(16, '0');

/** `hex` with `n` distinct random bits flipped. */
function flipBits(hex: string, n: number): string {
  let x = BigInt(`0x${hex}`);
  const bits = new Set<number>();
  while (bits.size < n) bits.add(randomBytes(1)[0]! % 64);
  for (const b of bits) x ^= 1n << BigInt(b);
  return x.toString(16).padStart(16, '0');
}

const randomHex = () => randomBytes(8).toString('hex');

export async function reuseSection(opts: ReuseOptions): Promise<Section> {
  const title = `Reused-image look-up, ${fmt(opts.hashes)} hashes`;
  const db = await createTestDatabase();
  opts.open.add(db);
  const prisma = createPrismaClient(db.url);
  const yearId = randomUUID();
  try {
    const t0 = performance.now();
    let seeded: { seedMs: number; indexMs: number; analyseMs: number };
    try {
      seeded = await seedHashes(db.url, yearId, opts);
    } catch (e) {
      if (!(e instanceof SeedBudgetExceeded)) throw e;
      return { title, intro: `Not measured: seeding exceeded the ${seconds(opts.seedBudgetMs)} budget (${e.message}).`, table: '' };
    }
    opts.log(`  seeded in ${seconds(performance.now() - t0)}`);
    const { cases, facts } = await buildCases(prisma, yearId, opts);
    const results = await measureRoundRobin(cases, opts.runs, Math.min(20, opts.runs));
    const base = results[0]!.summary;
    const lookups = results.slice(1);
    const worst = lookups.reduce((a, b) => (b.summary.p95Ms > a.summary.p95Ms ? b : a));
    const typical = lookups.filter((r) => !r.label.includes('blank'));
    const typicalWorst = typical.reduce((a, b) => (b.summary.p95Ms > a.summary.p95Ms ? b : a));
    return {
      title,
      intro:
        `${fmt(opts.hashes)} "ImageHash" rows of one exam year (${PER_DOSSIER} per dossier): random 64-bit hashes, except ` +
        `${COMMON_SHARE * 100}% that share ${COMMON.length} very common hashes (${fmt(facts.perCommon)} rows each, like photos of blank pages); ` +
        `bands derived in SQL as \`hashBands\` does (b0 = top 16 bits … b3 = low 16 bits, 0..65535; checked against ` +
        `\`hashBands\`/\`hashToBigInt\` on ${facts.checked} sampled rows, ${facts.negative} of them with the sign bit set). ` +
        `Seeded set-based without the secondary indexes in ${seconds(seeded.seedMs)}, the schema's own indexes then rebuilt ` +
        `(${seconds(seeded.indexMs)}) and \`VACUUM ANALYZE\` (${seconds(seeded.analyseMs)}). Each look-up is ` +
        `\`findReuseSql\` (apps/workers/src/reuse.service.ts) through Prisma, as \`recordAndFindReuse\` runs it, with a fresh ` +
        `probe hash per run and a dossier that owns none of the rows; ${base.runs} runs per case interleaved round-robin after ` +
        `${Math.min(20, opts.runs)} warm-up rounds. Ratio = case ÷ baseline.`,
      table: table(
        ['Case', ' median ms', ' p95 ms', ' ratio (median)', ' ratio (p95)'],
        results.map(({ label, summary }) => row(label, summary, base)),
      ),
      notes: [
        `Goal: < ${REUSE_GOAL_MS} ms per image (p95). Ordinary images (misses and near-duplicate hits): ` +
          `${typicalWorst.summary.p95Ms < REUSE_GOAL_MS ? 'met' : 'NOT met'} (worst p95 ${fmt(typicalWorst.summary.p95Ms)} ms, ${typicalWorst.label}). ` +
          `All cases incl. blank pages: ${worst.summary.p95Ms < REUSE_GOAL_MS ? 'met' : 'NOT met'} (worst p95 ${fmt(worst.summary.p95Ms)} ms, ${worst.label}).`,
        `Rows the look-up visits: a random band value matches ~${fmt(facts.perBandValue)} rows per band, so an ordinary probe reads ~4 × that; ` +
          `a probe near a common hash matches all ${fmt(facts.perCommon)} rows of it in every band it shares.`,
      ],
    };
  } finally {
    await prisma.$disconnect();
    await db.drop();
    opts.open.delete(db);
  }
}

class SeedBudgetExceeded extends Error {}

const row = (label: string, s: Summary, base: Summary) => [label, fmt(s.medianMs), fmt(s.p95Ms), ratio(s.medianMs, base.medianMs), ratio(s.p95Ms, base.p95Ms)];

/**
 * One session (so the SET applies to the index builds): drops the table's indexes, inserts set-based in chunks,
 * recreates exactly the definitions it dropped (checked), then VACUUM ANALYZE.
 */
export async function seedHashes(url: string, yearId: string, opts: ReuseOptions): Promise<{ seedMs: number; indexMs: number; analyseMs: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const defs = async () =>
      (
        await client.query<{ indexdef: string }>(
          `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'ImageHash' ORDER BY indexname`,
        )
      ).rows.map((r) => r.indexdef);
    const before = await defs();
    const pk = (
      await client.query<{ conname: string; def: string }>(
        `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '"ImageHash"'::regclass AND contype = 'p'`,
      )
    ).rows[0];
    if (!pk) throw new Error('"ImageHash" has no primary key');
    const pkIndex = (await client.query<{ i: string }>(`SELECT conindid::regclass::text AS i FROM pg_constraint WHERE conname = $1`, [pk.conname])).rows[0]!.i;
    const secondary = (
      await client.query<{ name: string; def: string }>(
        `SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS def FROM pg_index
         WHERE indrelid = '"ImageHash"'::regclass AND indexrelid::regclass::text <> $1`,
        [pkIndex],
      )
    ).rows;
    await client.query(`ALTER TABLE "ImageHash" DROP CONSTRAINT "${pk.conname}"`);
    for (const ix of secondary) await client.query(`DROP INDEX ${ix.name}`);

    const t0 = performance.now();
    const commonEvery = Math.round(1 / COMMON_SHARE);
    const commonSql = `ARRAY[${COMMON.map((h) => `'${h}'`).join(',')}]::text[]`;
    for (let from = 1; from <= opts.hashes; from += CHUNK) {
      const to = Math.min(opts.hashes, from + CHUNK - 1);
      // every `commonEvery`-th row gets a common hash, the others 64 random bits (md5 of a random draw, read as a
      // signed bigint). Bands as hashBands does on the hex: `>>` on bigint is arithmetic (sign-extending), so each band
      // is masked with 65535 to its unsigned 16 bits. createdAt rises with g (0.15 s apart, ~10 days for 6M).
      await client.query(
        `INSERT INTO "ImageHash" ("imageId", "examYearId", "dossierId", hash, b0, b1, b2, b3, "createdAt")
         SELECT gen_random_uuid(), $1::uuid, md5('dossier' || (g / ${PER_DOSSIER}))::uuid, h,
                ((h >> 48) & 65535)::int, ((h >> 32) & 65535)::int, ((h >> 16) & 65535)::int, (h & 65535)::int,
                timestamptz '2026-01-29 02:00Z' + g * interval '150 milliseconds'
         FROM (
           SELECT g, CASE WHEN g % ${commonEvery} = 0
                          THEN ('x' || (${commonSql})[1 + (g / ${commonEvery}) % ${COMMON.length}])::bit(64)::bigint
                          ELSE ('x' || substr(md5(random()::text || g::text), 1, 16))::bit(64)::bigint END AS h
           FROM generate_series($2::int, $3::int) g
         ) s`,
        [yearId, from, to],
      );
      const ms = performance.now() - t0;
      opts.log(`  inserted ${fmt(to)}/${fmt(opts.hashes)} hashes (${seconds(ms)})`);
      if (to < opts.hashes && ms > opts.seedBudgetMs) throw new SeedBudgetExceeded(`${fmt(to)}/${fmt(opts.hashes)} rows after ${seconds(ms)}`);
    }
    const seedMs = performance.now() - t0;

    const t1 = performance.now();
    await client.query(`SET maintenance_work_mem = '512MB'`);
    await client.query(`ALTER TABLE "ImageHash" ADD CONSTRAINT "${pk.conname}" ${pk.def}`);
    for (const ix of secondary) await client.query(ix.def);
    const after = await defs();
    if (JSON.stringify(after) !== JSON.stringify(before)) throw new Error(`index set changed:\n${before.join('\n')}\n---\n${after.join('\n')}`);
    const indexMs = performance.now() - t1;
    const t2 = performance.now();
    await client.query('VACUUM ANALYZE "ImageHash"');
    const analyseMs = performance.now() - t2;
    opts.log(`  indexes ${seconds(indexMs)}, VACUUM ANALYZE ${seconds(analyseMs)}`);
    return { seedMs, indexMs, analyseMs };
  } finally {
    await client.end();
  }
}

async function buildCases(prisma: PrismaClient, yearId: string, opts: ReuseOptions) {
  const { runs, hashes } = opts;
  // a random sample of stored rows (~4× what we need, so the common-hash rows can be left out)
  const pct = Math.min(100, (400 * (runs + 50)) / hashes);
  const sample = await prisma.$queryRaw<{ imageId: string; hash: bigint; b0: number; b1: number; b2: number; b3: number }[]>(
    Prisma.sql`SELECT "imageId"::text AS "imageId", hash, b0, b1, b2, b3 FROM "ImageHash" TABLESAMPLE BERNOULLI (${pct}::float8) ORDER BY random()`,
  );
  const common = new Set(COMMON);
  const own = sample.filter((r) => !common.has(toHex(r.hash)));
  if (own.length < runs) throw new Error(`sampled only ${own.length} rows`);
  // the SQL bands are exactly hashBands of the hex, and the bigint hashToBigInt of it
  const commonRows = await prisma.$queryRaw<{ hash: bigint; b0: number; b1: number; b2: number; b3: number }[]>(
    Prisma.sql`SELECT DISTINCT ON (hash) hash, b0, b1, b2, b3 FROM "ImageHash" WHERE "examYearId" = ${yearId}::uuid AND hash = ANY(${COMMON.map((h) => hashToBigInt(h).toString())}::bigint[])`,
  );
  const checked = [...sample, ...commonRows];
  for (const r of checked) {
    const hex = toHex(r.hash);
    const bands = hashBands(hex);
    if (bands.join() !== [r.b0, r.b1, r.b2, r.b3].join() || hashToBigInt(hex) !== r.hash) {
      throw new Error(`seeded bands of ${hex} are ${[r.b0, r.b1, r.b2, r.b3].join()}, hashBands gives ${bands.join()}`);
    }
  }
  if (!commonRows.length) throw new Error('no common hashes seeded');
  const negative = checked.filter((r) => r.hash < 0n).length;

  const perCommon = Number(
    (await prisma.$queryRaw<{ n: bigint }[]>(Prisma.sql`SELECT count(*) AS n FROM "ImageHash" WHERE hash = ${hashToBigInt(COMMON[0]!)}`))[0]!.n,
  );
  const perBandValue = hashes / 65536;

  const fresh = () => randomUUID();
  const k = () => 1 + (randomBytes(1)[0]! % REUSE_MAX_DISTANCE);
  const pick = <T>(xs: readonly T[], i: number) => xs[i % xs.length]!;
  const misses: Probe[] = Array.from({ length: runs }, () => ({ hex: randomHex(), dossierId: fresh() }));
  const hits: Probe[] = own.slice(0, runs).map((r) => ({ hex: flipBits(toHex(r.hash), k()), dossierId: fresh() }));
  const blankHits: Probe[] = Array.from({ length: runs }, (_, i) => ({ hex: flipBits(pick(COMMON, i), k()), dossierId: fresh() }));
  // shares one 16-bit band with a common hash, far from it otherwise: a miss that must still read that band's rows
  const blankBandMisses: Probe[] = Array.from({ length: runs }, (_, i) => {
    const c = pick(COMMON, i);
    const band = i % 4;
    let hex = randomHex();
    hex = hex.slice(0, band * 4) + c.slice(band * 4, band * 4 + 4) + hex.slice(band * 4 + 4);
    return { hex, dossierId: fresh() };
  });
  const baseIds = own.slice(runs).concat(own).slice(0, runs).map((r) => r.imageId);

  const lookup = (p: Probe) => prisma.$queryRaw<{ imageId: string }[]>(findReuseSql(yearId, p.dossierId, hashToBigInt(p.hex), hashBands(p.hex)));

  // the probes answer as their names say (checked once before timing)
  const expect = async (what: string, probes: Probe[], hit: boolean) => {
    let wrong = 0;
    for (const p of probes.slice(0, 20)) if ((await lookup(p)).length > 0 !== hit) wrong++;
    if (wrong) throw new Error(`reuse bench: ${wrong}/20 ${what} probes answered ${hit ? 'no match' : 'a match'}`);
  };
  await expect('miss', misses, false);
  await expect('hit', hits, true);
  await expect('blank-page hit', blankHits, true);
  if (blankBandMisses.slice(0, 20).some((p) => COMMON.some((c) => hammingDistance64(c, p.hex) <= REUSE_MAX_DISTANCE))) throw new Error('band-miss probe too near');

  const cases: Case[] = [
    { label: 'baseline: `prisma.imageHash.findUnique` by primary key', run: (i) => prisma.imageHash.findUnique({ where: { imageId: pick(baseIds, i) } }) },
    { label: 'miss: random hash (no stored hash within 3 bits)', run: (i) => lookup(pick(misses, i)) },
    { label: `hit: a stored hash with 1–${REUSE_MAX_DISTANCE} bits flipped`, run: (i) => lookup(pick(hits, i)) },
    { label: `blank page hit: a common hash with 1–${REUSE_MAX_DISTANCE} bits flipped (${fmt(perCommon)} rows share it)`, run: (i) => lookup(pick(blankHits, i)) },
    { label: 'blank page band miss: shares one band with a common hash, far from it', run: (i) => lookup(pick(blankBandMisses, i)) },
  ];
  return { cases, facts: { checked: checked.length, negative, perCommon, perBandValue } };
}
