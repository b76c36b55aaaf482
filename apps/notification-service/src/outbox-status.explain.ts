// Benchmark (not a test): seeds a big outbox for two districts into a throw-away database and prints the EXPLAIN
// ANALYZE plans and timings of the delivery-status queries (counts, first list page, a filtered page).
//   npx tsx apps/notification-service/src/outbox-status.explain.ts                 (20,000 candidates × 6 rows per district)
//   EXPLAIN_CANDIDATES=100000 npx tsx apps/notification-service/src/outbox-status.explain.ts
//   EXPLAIN_SQL='CREATE INDEX ...;...' runs extra statements before measuring.
/* eslint-disable no-console */
import { performance } from 'node:perf_hooks';
import { Prisma, createPrismaClient } from '@exam/db';
import { createTestDatabase, seedSite, seedYear } from '@exam/testing';
import { listOutbox, outboxCounts } from './outbox-status.service.js';

const PER_DISTRICT = Number(process.env['EXPLAIN_CANDIDATES'] || 20_000);

const db = await createTestDatabase();
const prisma = createPrismaClient(db.url);
try {
  const t0 = performance.now();
  for (const districtCode of ['12', '13']) {
    const year = await seedYear(prisma, { districtCode });
    const site = await seedSite(prisma, { districtCode });
    await prisma.$executeRaw`
      INSERT INTO "Candidate" (id, "examYearId", "siteId", "registrationNo", name, "candidateType", "unitName", phone, email,
                               "idNumberEnc", "idNumberHash", "updatedAt")
      SELECT gen_random_uuid(), ${year.id}::uuid, ${site.id}::uuid, ${districtCode} || lpad(i::text, 8, '0'), '考生' || i, 'GRADUATE',
             '医院', '138' || lpad(i::text, 8, '0'), 'c' || i || '@example.com', '\\x00'::bytea, md5(${districtCode} || i) || md5(i::text), now()
      FROM generate_series(1, ${PER_DISTRICT}) i`;
  }
  // per candidate: 2 events × (in-app, email, SMS); mostly SENT, some FAILED / CANCELLED / PENDING, spread over 30 days
  await prisma.$executeRaw`
    INSERT INTO "NotificationOutbox" (id, "eventKey", "eventType", "recipientType", "candidateId", channel, address, "templateCode",
                                      status, reason, "createdAt", "updatedAt")
    SELECT gen_random_uuid(), 'bench:' || c.id || ':' || e.code, 'dossier.x', 'CANDIDATE', c.id, ch.channel::"Channel",
           CASE ch.channel WHEN 'EMAIL' THEN c.email WHEN 'SMS' THEN c.phone END, e.code,
           s.status::"OutboxStatus", CASE s.status WHEN 'FAILED' THEN 'SMTP_REJECTED' WHEN 'CANCELLED' THEN 'SMS_QUOTA_DAY' END,
           now() - (random() * interval '30 days'), now()
    FROM "Candidate" c
    CROSS JOIN (VALUES ('SUBMITTED'), ('SITE_PASSED')) e(code)
    CROSS JOIN (VALUES ('INAPP'), ('EMAIL'), ('SMS')) ch(channel)
    CROSS JOIN LATERAL (SELECT CASE WHEN r < 0.9 THEN 'SENT' WHEN r < 0.95 THEN 'FAILED' WHEN r < 0.98 THEN 'CANCELLED' ELSE 'PENDING' END AS status
                        FROM (SELECT random() + 0 * length(c.id::text) AS r) x) s`;
  for (const stmt of (process.env['EXPLAIN_SQL'] ?? '').split(';').map((s) => s.trim()).filter(Boolean)) {
    await prisma.$executeRawUnsafe(stmt);
  }
  await prisma.$executeRawUnsafe('VACUUM ANALYZE');
  console.log(`seeded ${await prisma.notificationOutbox.count()} outbox rows (${PER_DISTRICT} candidates × 6 per district, 2 districts) in ${Math.round(performance.now() - t0)} ms\n`);

  const time = async (label: string, run: () => Promise<unknown>) => {
    await run(); // warm
    const t = performance.now();
    for (let i = 0; i < 5; i++) await run();
    console.log(`${label}: ${((performance.now() - t) / 5).toFixed(1)} ms`);
  };
  const deps = { prisma, now: () => new Date() };
  await time('counts (district 12, no filter)', () => outboxCounts(deps, '12', {}));
  await time('counts (district 12, EMAIL, last 7 days)', () => outboxCounts(deps, '12', { channel: 'EMAIL', from: new Date(Date.now() - 7 * 86_400_000) }));
  await time('list first page (50)', () => listOutbox(deps, '12', {}, { limit: 50 }));
  await time('list FAILED first page (50)', () => listOutbox(deps, '12', { status: 'FAILED' }, { limit: 50 }));
  await time('list by 报名号', () => listOutbox(deps, '12', { q: '1200000042' }, { limit: 50 }));

  const explain = async (label: string, sql: Prisma.Sql) => {
    const rows = await prisma.$queryRaw<{ 'QUERY PLAN': string }[]>(Prisma.sql`EXPLAIN (ANALYZE, BUFFERS) ${sql}`);
    console.log(`\n--- ${label}\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`);
  };
  const from = Prisma.sql`"NotificationOutbox" o JOIN "Candidate" c ON c.id = o."candidateId" JOIN "ExamYear" y ON y.id = c."examYearId"`;
  await explain(
    'counts',
    Prisma.sql`SELECT o."templateCode", o.channel, o.status, count(*) FROM ${from} WHERE y."districtCode" = '12' GROUP BY 1, 2, 3`,
  );
  await explain(
    'list FAILED first page',
    Prisma.sql`SELECT o.id FROM ${from} WHERE y."districtCode" = '12' AND o.status = 'FAILED' ORDER BY o."createdAt" DESC, o.id DESC LIMIT 51`,
  );
} finally {
  await prisma.$disconnect();
  await db.drop();
}
