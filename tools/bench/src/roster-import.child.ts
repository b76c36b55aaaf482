// One phase of the roster benchmark in its own process, so its peak RSS is its own: `dry-run`, `import` (the job's
// service function) or `baseline` (plain batched INSERTs of the same candidate and dossier rows, no file, no checks,
// no encryption). Prints one JSON line: { ms, maxRssMb, counts? }.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createPrismaClient } from '@exam/db';
import { newUuidV7 } from '@exam/domain';
import { FsBlobStorage } from '@exam/storage';
import { TEST_ID_HASH_KEY, TEST_ID_KEYRING, rosterRow } from '@exam/testing';
import { createRosterImportStore, processRoster, rosterIdReader, rosterIdWriter, runRosterImport } from '@exam/roster';

const [phase, databaseUrl, storageDir, importId, rowsText, siteId, examYearId] = process.argv.slice(2) as [string, string, string, string, string, string, string];
const rss = () => Math.round(process.resourceUsage().maxRSS / 1024);

if (phase === 'baseline') {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const n = Number(rowsText);
  const t0 = performance.now();
  for (let start = 0; start < n; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, n - start) }, (_, k) => rosterRow(start + k, 'x', 'B'));
    const ids = rows.map(() => newUuidV7());
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO "Candidate" (id, "examYearId", "siteId", "registrationNo", name, "candidateType", "unitName", "unitPhone", "unitEmail", phone, email, "idNumberEnc", "idNumberHash", "updatedAt")
       SELECT u.id, $1::uuid, $2::uuid, u.reg, u.name, 'GRADUATE', u.unit, u.uphone, u.uemail, u.phone, u.email, convert_to(u.idn, 'UTF8'), md5(u.idn) || md5(u.idn), now()
       FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
         AS u(id, reg, name, unit, uphone, uemail, phone, email, idn)`,
      [examYearId, siteId, ids, ...[0, 1, 5, 6, 7, 8, 9, 2].map((c) => rows.map((r) => r[c]))],
    );
    await client.query(
      `INSERT INTO "Dossier" (id, "candidateId", "examYearId", "siteId", "updatedAt") SELECT u.id, u.cid, $1::uuid, $2::uuid, now() FROM unnest($3::uuid[], $4::uuid[]) AS u(id, cid)`,
      [examYearId, siteId, ids.map(() => newUuidV7()), ids],
    );
    await client.query('COMMIT');
  }
  const ms = performance.now() - t0;
  await client.end();
  console.log(JSON.stringify({ ms, maxRssMb: rss() }));
} else {
  const prisma = createPrismaClient(databaseUrl);
  const deps = { prisma, storage: new FsBlobStorage(storageDir), now: () => new Date() };
  const t0 = performance.now();
  const report =
    phase === 'dry-run'
      ? await processRoster(deps, (await createRosterImportStore(deps.storage).getMeta(importId))!, { ids: rosterIdReader(TEST_ID_KEYRING) })
      : await runRosterImport({ ...deps, writer: rosterIdWriter(TEST_ID_KEYRING, TEST_ID_HASH_KEY) }, importId);
  const ms = performance.now() - t0;
  await prisma.$disconnect();
  console.log(JSON.stringify({ ms, maxRssMb: rss(), counts: report.counts }));
}
