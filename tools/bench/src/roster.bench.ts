// Roster import (报名数据导入): a generated CSV of N rows (the registration system's columns, UTF-8) imported by the
// job's service function — streamed from the blob storage, checked, looked up and inserted 1,000 rows at a time —
// each phase in its own process (roster-import.child.ts) so peak RSS is that phase's own. Baseline in the same run:
// plain batched INSERTs (unnest, 1,000 rows per statement) of the same candidate and dossier rows into another fresh
// database, without the file, the checks or the encryption. A smaller file shows whether memory stays flat.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPrismaClient } from '@exam/db';
import { mapRosterColumns, newUuidV7 } from '@exam/domain';
import { FsBlobStorage } from '@exam/storage';
import { ROSTER_HEADERS, createTestDatabase, rosterCsv, rosterRow, seedSite, seedYear, type TestDatabase } from '@exam/testing';
import { createRosterImportStore } from '@exam/roster';
import { table, type Section } from './markdown.js';
import { fmt } from './stats.js';

export const ROSTER_GOAL_S = 60;

const CHILD = fileURLToPath(new URL('./roster-import.child.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/tsx/dist/cli.mjs', import.meta.url));

interface Phase {
  ms: number;
  maxRssMb: number;
  counts?: Record<string, number>;
}

/** Every phase runs with this V8 old-space cap: finishing under it shows the heap does not grow with the file. */
export const ROSTER_HEAP_CAP_MB = 128;

function runChild(args: string[]): Phase {
  const env = { ...process.env, NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --max-old-space-size=${ROSTER_HEAP_CAP_MB}`.trim() };
  const out = execFileSync(process.execPath, [TSX, CHILD, ...args], { encoding: 'utf8', maxBuffer: 1 << 20, env });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Phase;
}

export interface RosterBenchOptions {
  rows: number;
  open: Set<TestDatabase>;
  log: (msg: string) => void;
}

async function measure(rows: number, open: Set<TestDatabase>, log: (m: string) => void) {
  const db = await createTestDatabase();
  open.add(db);
  const base = await createTestDatabase();
  open.add(base);
  const dir = await mkdtemp(join(tmpdir(), 'roster-bench-'));
  const prisma = createPrismaClient(db.url);
  const basePrisma = createPrismaClient(base.url);
  try {
    const year = await seedYear(prisma, { districtCode: '12' });
    const site = await seedSite(prisma, { districtCode: '12' });
    const baseYear = await seedYear(basePrisma, { districtCode: '12' });
    const baseSite = await seedSite(basePrisma, { districtCode: '12' });
    const storage = new FsBlobStorage(dir);
    const store = createRosterImportStore(storage);
    const importId = newUuidV7();
    const data = rosterCsv(Array.from({ length: rows }, (_, i) => rosterRow(i, site.code)));
    await store.putSource(importId, data);
    await store.putMeta({
      importId,
      examYearId: year.id,
      districtCode: '12',
      fileName: 'bench.csv',
      format: 'csv',
      size: data.length,
      headers: [...ROSTER_HEADERS],
      mapping: mapRosterColumns([...ROSTER_HEADERS]).mapping,
      createdById: 'bench',
      createdAt: new Date().toISOString(),
    });
    const size = (await stat(join(dir, store.sourceKey(importId)))).size;
    log(`  roster ${rows}: dry run`);
    const dry = runChild(['dry-run', db.url, dir, importId]);
    log(`  roster ${rows}: import`);
    const imp = runChild(['import', db.url, dir, importId]);
    const again = newUuidV7();
    await store.putSource(again, data);
    await store.putMeta({ ...(await store.getMeta(importId))!, importId: again });
    log(`  roster ${rows}: re-import of the same file`);
    const re = runChild(['import', db.url, dir, again]);
    log(`  roster ${rows}: baseline (plain INSERTs)`);
    const baseline = runChild(['baseline', base.url, dir, '-', String(rows), baseSite.id, baseYear.id]);
    const written = await prisma.candidate.count();
    if (written !== rows || imp.counts?.['new'] !== rows || re.counts?.['unchanged'] !== rows) {
      throw new Error(`roster bench: expected ${rows} new then unchanged, got ${JSON.stringify({ written, imp: imp.counts, re: re.counts })}`);
    }
    return { size, dry, imp, re, baseline };
  } finally {
    await prisma.$disconnect();
    await basePrisma.$disconnect();
    await rm(dir, { recursive: true, force: true });
    await db.drop();
    await base.drop();
    open.delete(db);
    open.delete(base);
  }
}

export async function rosterSection(opts: RosterBenchOptions): Promise<Section> {
  const small = Math.max(1000, Math.round(opts.rows / 10));
  const sizes = [small, opts.rows];
  const results = [];
  for (const n of sizes) results.push({ n, ...(await measure(n, opts.open, opts.log)) });
  const s = (ms: number) => `${fmt(ms / 1000)} s`;
  const rows = results.flatMap((r) => [
    [`${r.n.toLocaleString('en')} rows (${(r.size / 2 ** 20).toFixed(1)} MB CSV)`, 'dry run (reads, writes nothing)', s(r.dry.ms), `${r.dry.maxRssMb} MB`, `${fmt(r.dry.ms / r.baseline.ms)}×`],
    ['', '**import** (new candidates + dossiers)', s(r.imp.ms), `${r.imp.maxRssMb} MB`, `${fmt(r.imp.ms / r.baseline.ms)}×`],
    ['', 're-import of the same file (0 writes)', s(r.re.ms), `${r.re.maxRssMb} MB`, `${fmt(r.re.ms / r.baseline.ms)}×`],
    ['', 'baseline: plain batched INSERT', s(r.baseline.ms), `${r.baseline.maxRssMb} MB`, '1×'],
  ]);
  const big = results.at(-1)!;
  const met = big.imp.ms / 1000 <= ROSTER_GOAL_S;
  return {
    title: `Roster import (${opts.rows.toLocaleString('en')} rows)`,
    intro: [
      "A generated UTF-8 CSV in the registration system's columns, imported by the `roster.import` job's service function",
      '(`libs/roster`: streamed from the blob storage, every row checked, looked up and written 1,000 at a time, ID numbers',
      'encrypted and hashed). Each phase runs in its own process; peak RSS is `process.resourceUsage().maxRSS` of that process',
      `(Node + Prisma at rest is most of it), run with \`--max-old-space-size=${ROSTER_HEAP_CAP_MB}\`: without a cap V8 lets garbage`,
      'pile up to ~450 MB before collecting, which says nothing about what the import keeps. Baseline: plain batched INSERTs',
      '(unnest, 1,000 rows per statement, one transaction per batch) of the same candidate and dossier rows into another fresh',
      'database, without the file, the checks or the encryption.',
    ].join(' '),
    table: table(['Rows', 'Phase', ' Time', ' Peak RSS', ' vs baseline'], rows),
    notes: [
      `Goal: ${opts.rows.toLocaleString('en')} rows in ≤ ${ROSTER_GOAL_S} s — ${met ? 'met' : '**not met**'} (${s(big.imp.ms)}).`,
      `Flat memory: peak RSS of the import at ${small.toLocaleString('en')} rows ${results[0]!.imp.maxRssMb} MB, at ${opts.rows.toLocaleString('en')} rows ${big.imp.maxRssMb} MB.`,
    ],
  };
}
