// Admin export (结果导出) of N candidates' results: the service function streaming .xlsx and CSV to a file, each in its
// own process (export.child.ts) under a V8 heap cap, so peak RSS is the export's own and finishing under the cap shows
// that the rows are not held in memory. Seeded set-based (bench-seed.ts: candidates and dossiers by generate_series),
// then every ID number encrypted for real (AES-256-GCM bound to its candidate, as the roster import stores it) and the
// decided dossiers given their deciding transition and published. Baseline in the same run: the same keyset SELECTs
// read through plain pg and dropped (no decryption, no formatting, no file).
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { encryptIdNumber } from '@exam/auth';
import { createPrismaClient } from '@exam/db';
import { TEST_ID_KEYRING, createTestDatabase, seedSite, seedStaff, seedYear, validIdNumber, type TestDatabase } from '@exam/testing';
import { seedDossiers } from '../../../apps/review-service/src/bench-seed.js';
import { table, type Section } from './markdown.js';
import { fmt, seconds } from './stats.js';

const CHILD = fileURLToPath(new URL('./export.child.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/tsx/dist/cli.mjs', import.meta.url));
const SITES = 20;
/** Every phase runs with this V8 old-space cap. */
export const EXPORT_HEAP_CAP_MB = 128;
/** Goal: 1,000,000 rows in ≤ this many seconds per format, with the heap capped as above. */
export const EXPORT_GOAL_S = 180;

interface Phase {
  ms: number;
  maxRssMb: number;
  rows: number;
  bytes: number;
}

function runChild(args: string[]): Phase {
  const env = { ...process.env, NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --max-old-space-size=${EXPORT_HEAP_CAP_MB}`.trim() };
  const out = execFileSync(process.execPath, [TSX, CHILD, ...args], { encoding: 'utf8', maxBuffer: 1 << 20, env });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Phase;
}

/** Replaces the seed's placeholder ciphertexts with real ones, 10,000 rows per UPDATE. */
async function encryptIdNumbers(databaseUrl: string, examYearId: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    let after = '00000000-0000-0000-0000-000000000000';
    let n = 0;
    for (;;) {
      const { rows } = await client.query<{ id: string }>('SELECT id FROM "Candidate" WHERE "examYearId" = $1 AND id > $2 ORDER BY id LIMIT 10000', [examYearId, after]);
      if (!rows.length) break;
      const encs = rows.map((r) => encryptIdNumber(TEST_ID_KEYRING, r.id, validIdNumber(n++)));
      await client.query('UPDATE "Candidate" c SET "idNumberEnc" = u.enc FROM unnest($1::uuid[], $2::bytea[]) AS u(id, enc) WHERE c.id = u.id', [rows.map((r) => r.id), encs]);
      after = rows[rows.length - 1]!.id;
    }
    // the deciding transition of each decided dossier (with a reason when rejected), then 发布结果
    await client.query(`
      INSERT INTO "DossierTransition" (id, "dossierId", "fromStatus", "toStatus", "actorType", action, reason, "createdAt")
      SELECT gen_random_uuid(), d.id, 'PENDING_DISTRICT', d.status, 'STAFF', d."lastAction",
             CASE WHEN d.status = 'REJECTED' THEN '学历证书与报名信息不符，请核对后重新报名' END, timestamptz '2026-03-01 02:00Z'
      FROM "Dossier" d WHERE d."examYearId" = $1 AND d.status IN ('APPROVED', 'REJECTED')`, [examYearId]);
    await client.query(`UPDATE "Dossier" SET "publishedAt" = timestamptz '2026-03-02 02:00Z' WHERE "examYearId" = $1 AND status IN ('APPROVED', 'REJECTED')`, [examYearId]);
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
}

export interface ExportBenchOptions {
  rows: number;
  open: Set<TestDatabase>;
  log: (msg: string) => void;
}

export async function exportSection(opts: ExportBenchOptions): Promise<Section> {
  const { rows, open, log } = opts;
  const db = await createTestDatabase();
  open.add(db);
  const dir = await mkdtemp(join(tmpdir(), 'export-bench-'));
  const prisma = createPrismaClient(db.url);
  try {
    const t0 = performance.now();
    const year = await seedYear(prisma, { districtCode: '12' });
    const sites = [];
    for (let i = 0; i < SITES; i++) sites.push(await seedSite(prisma, { districtCode: '12', name: `考点${i + 1}` }));
    const perSite = Math.ceil(rows / SITES);
    await seedDossiers(prisma, { yearId: year.id, sites, perSite, onSite: (d, total) => log(`  export seed: site ${d}/${total}`) });
    log('  export seed: encrypting ID numbers, decisions, publication');
    await encryptIdNumbers(db.url, year.id);
    const admin = await seedStaff(prisma, 'ADMIN', { districtCode: '12' });
    const seeded = perSite * SITES;
    const seedMs = performance.now() - t0;
    await prisma.$disconnect();

    log(`  export ${seeded}: baseline`);
    const base = runChild(['baseline', db.url, year.id, join(dir, 'none'), admin.id]);
    log(`  export ${seeded}: csv`);
    const csv = runChild(['csv', db.url, year.id, join(dir, 'results.csv'), admin.id]);
    log(`  export ${seeded}: xlsx`);
    const xlsx = runChild(['xlsx', db.url, year.id, join(dir, 'results.xlsx'), admin.id]);
    for (const p of [base, csv, xlsx]) if (p.rows !== seeded) throw new Error(`export bench: ${p.rows} rows read, ${seeded} seeded`);

    const mb = (b: number) => (b ? `${fmt(b / 2 ** 20)} MB` : '—');
    const row = (name: string, p: Phase) => [
      name,
      seconds(p.ms),
      `${fmt(p.ms / base.ms)}×`,
      `${Math.round((p.rows / p.ms) * 1000).toLocaleString('en-US')}`,
      `${p.maxRssMb} MB`,
      mb(p.bytes),
    ];
    const worst = Math.max(csv.ms, xlsx.ms) / 1000;
    const goalScaled = (EXPORT_GOAL_S * seeded) / 1_000_000;
    return {
      title: `Results export (${seeded.toLocaleString('en-US')} rows)`,
      intro:
        `结果导出 of one exam year with ${seeded.toLocaleString('en-US')} candidates (${SITES} sites; seeded set-based with real ` +
        `AES-256-GCM ID-number ciphertexts, decisions and publication in ${seconds(seedMs)}): \`exportResults\` ` +
        '(apps/review-service/src/export.service.ts) reading keyset batches of 2,000 rows, decrypting and masking every ID number ' +
        'and streaming to a file — CSV (UTF-8 with BOM) and .xlsx (exceljs `stream.xlsx.WorkbookWriter`) — each in its own process ' +
        `with \`--max-old-space-size=${EXPORT_HEAP_CAP_MB}\`. Baseline: the same keyset SELECTs through plain pg, rows dropped.`,
      table: table(['Phase', ' Time', ' × baseline', ' Rows/s', ' Peak RSS', ' File'], [row('baseline: keyset SELECTs only', base), row('export CSV', csv), row('export .xlsx', xlsx)]),
      notes: [
        `Goal: 1,000,000 rows per format in ≤ ${EXPORT_GOAL_S} s with the heap capped at ${EXPORT_HEAP_CAP_MB} MB` +
          ` (scaled to this run: ${fmt(goalScaled)} s): ${worst <= goalScaled ? 'met' : 'NOT met'} (slowest format ${fmt(worst)} s).`,
        'Peak RSS is the whole process (Node, Prisma\'s engine, exceljs and the zip stream); it stays bounded because each batch is written and ' +
          'drained before the next is read — the heap cap would abort a run that held the rows.',
      ],
    };
  } finally {
    await prisma.$disconnect().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    await db.drop();
    open.delete(db);
  }
}
