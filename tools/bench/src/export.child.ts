// One phase of the export benchmark in its own process, so its peak RSS is its own: `baseline` (the same keyset
// SELECTs the export runs, rows read and dropped: no decryption, no formatting, no file), `csv` or `xlsx` (the admin
// export's service function writing to a file). Prints one JSON line: { ms, maxRssMb, rows, bytes }.
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { AuthContext } from '@exam/auth';
import { decryptIdNumber } from '@exam/auth';
import { createPrismaClient } from '@exam/db';
import { createLogger } from '@exam/http';
import { TEST_ID_KEYRING } from '@exam/testing';
import { EXPORT_BATCH_SIZE, exportResults } from '../../../apps/review-service/src/export.service.js';
import { districtScope } from '../../../apps/review-service/src/review-scope.js';

const [phase, databaseUrl, examYearId, outFile, adminId] = process.argv.slice(2) as [string, string, string, string, string];
const rss = () => Math.round(process.resourceUsage().maxRSS / 1024);

if (phase === 'baseline') {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('SET max_parallel_workers_per_gather = 0'); // as createPrismaClient's connections
  const t0 = performance.now();
  let after: string | null = null;
  let rows = 0;
  for (;;) {
    const res: pg.QueryResult<{ registrationNo: string }> = await client.query(
      `SELECT c.id, c."registrationNo", c.name, c."idNumberEnc", c."siteId", d.status::text AS status, d."publishedAt", t.reason, t."createdAt" AS "decidedAt"
       FROM "Candidate" c
       LEFT JOIN "Dossier" d ON d."candidateId" = c.id
       LEFT JOIN LATERAL (
         SELECT CASE WHEN x."toStatus" = 'REJECTED' THEN x.reason END AS reason, x."createdAt" FROM "DossierTransition" x
         WHERE d.status IN ('APPROVED', 'REJECTED') AND x."dossierId" = d.id AND x."toStatus" = d.status
         ORDER BY x."createdAt" DESC LIMIT 1
       ) t ON true
       WHERE c."examYearId" = $1::uuid AND ($2::text IS NULL OR c."registrationNo" > $2)
       ORDER BY c."registrationNo" ASC LIMIT $3`,
      [examYearId, after, EXPORT_BATCH_SIZE],
    );
    rows += res.rows.length;
    if (res.rows.length < EXPORT_BATCH_SIZE) break;
    after = res.rows[res.rows.length - 1]!.registrationNo;
  }
  const ms = performance.now() - t0;
  await client.end();
  console.log(JSON.stringify({ ms, maxRssMb: rss(), rows, bytes: 0 }));
} else {
  const format = phase === 'csv' ? 'csv' : 'xlsx';
  const prisma = createPrismaClient(databaseUrl);
  const user = { id: adminId, role: 'ADMIN' as const, displayName: 'bench', districtCode: '12', siteId: null, siteName: null };
  const auth: AuthContext = { sessionId: 'bench', role: 'ADMIN', user, csrfToken: 'bench' };
  const deps = {
    prisma,
    logger: createLogger('bench', 'warn'),
    decryptIdNumber: (enc: Uint8Array, candidateId: string) => decryptIdNumber(TEST_ID_KEYRING, candidateId, enc),
  };
  const scope = await districtScope(prisma, auth, examYearId);
  const out = createWriteStream(outFile);
  const t0 = performance.now();
  const rows = await exportResults(deps, auth, scope, { format, full: false, ip: null }, { out, start: () => undefined });
  const ms = performance.now() - t0;
  const bytes = (await stat(outFile)).size;
  await prisma.$disconnect();
  console.log(JSON.stringify({ ms, maxRssMb: rss(), rows, bytes }));
}
