// Notification fan-out (issue 7): one `notify.reminder` (WINDOW_CLOSING_24H) to N candidates who have not submitted,
// run by the real workers (apps/workers: createHandlers, startWorkers, notifyQueueSettings) against the real database,
// Redis and a local SMTP sink (smtp-server, every message read to its end and dropped). Measured from the job's enqueue
// to: every in-app row (outbox row SENT + inbox message) exists; every mail was accepted by the sink.
// Baselines in the same run: plain batched INSERTs (createMany, 2,000 a statement) of N inbox-message rows (the database's floor for the in-app rows),
// and mails sent straight through the same pooled nodemailer sender, with the same parallelism, without queue or database.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { SMTPServer } from 'smtp-server';
import { createPrismaClient } from '@exam/db';
import { FileSmsSender, createSmtpEmailSender, pacedEmailSender } from '@exam/notify';
import { createSmsQuota } from '@exam/notify';
import { EMAIL_BATCH, QUEUE_NAMES, createJobProducer, createRedisConnection } from '@exam/queue';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '@exam/testing';
import { createHandlers } from '../../../apps/workers/src/handlers.js';
import { notifyQueueSettings } from '../../../apps/workers/src/notify-queues.js';
import { startWorkers } from '../../../apps/workers/src/worker-runtime.js';
import { table, type Section } from './markdown.js';
import { fmt } from './stats.js';

export const FANOUT_INAPP_GOAL = 2000;
export const FANOUT_EMAIL_GOAL = 500;

export interface FanoutOptions {
  recipients: number;
  /** NOTIFY_DELIVERY_CONCURRENCY of the email queue in this run */
  concurrency: number;
  /** SMTP_POOL_SIZE */
  pool: number;
  open: Set<TestDatabase>;
  log: (msg: string) => void;
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function startSink(): Promise<{ port: number; accepted: () => number; close: () => Promise<void> }> {
  let accepted = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    hideSTARTTLS: true,
    logger: false,
    // no reverse DNS of each connecting client (the pool reconnects every 100 messages; a lookup without DNS stalls it)
    disableReverseLookup: true,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        accepted++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, accepted: () => accepted, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export async function fanoutSection(opts: FanoutOptions): Promise<Section> {
  const n = opts.recipients;
  const db = await createTestDatabase();
  opts.open.add(db);
  const prisma = createPrismaClient(db.url, { max: 20 });
  const redisUrl = testRedisUrl();
  const prefix = `bench:${process.pid}:${randomUUID().slice(0, 8)}`;
  const conn = createRedisConnection(redisUrl, 'producer');
  const producer = createJobProducer(conn, prefix);
  const sink = await startSink();
  const email = createSmtpEmailSender({ url: `smtp://127.0.0.1:${sink.port}`, from: '审核系统 <noreply@exam.local>', maxConnections: opts.pool });
  try {
    const end = new Date(Date.now() + 23 * 3600_000);
    const year = await prisma.examYear.create({
      data: { code: 'B26', name: '2026年医师资格考试', districtCode: 'B12', districtName: '天津考区', uploadStart: new Date(Date.now() - 10 * 86_400_000), uploadEnd: end },
    });
    const site = await prisma.examSite.create({ data: { districtCode: 'B12', code: 'S01', name: '和平考点' } });
    opts.log(`  fan-out: seeding ${fmt(n)} candidates`);
    await prisma.$executeRawUnsafe(
      `INSERT INTO "Candidate" (id, "examYearId", "siteId", "registrationNo", name, "candidateType", "unitName", email, "idNumberEnc", "idNumberHash", "updatedAt")
       SELECT gen_random_uuid(), $1::uuid, $2::uuid, 'R' || lpad(i::text, 9, '0'), '考生' || i, 'GRADUATE', '天津市第一医院',
              'c' || i || '@example.com', decode(md5(i::text), 'hex'), md5(i::text) || md5('x' || i), now()
       FROM generate_series(1, ${n}) AS i`,
      year.id,
      site.id,
    );
    await prisma.$executeRawUnsafe(
      `INSERT INTO "Dossier" (id, "candidateId", "examYearId", "siteId", "updatedAt") SELECT gen_random_uuid(), id, "examYearId", "siteId", now() FROM "Candidate" WHERE "examYearId" = $1::uuid`,
      year.id,
    );
    opts.log('  fan-out: seeded; baselines');
    await prisma.$executeRawUnsafe('ANALYZE "Candidate"');
    await prisma.$executeRawUnsafe('ANALYZE "Dossier"');

    // baseline 1: the same number of inbox rows as plain batched INSERTs (2,000 a statement)
    const b0 = performance.now();
    const ids = (await prisma.candidate.findMany({ where: { examYearId: year.id }, select: { id: true }, orderBy: { id: 'asc' } })).map((c) => c.id);
    for (let i = 0; i < n; i += 2000) {
      await prisma.inboxMessage.createMany({ data: ids.slice(i, i + 2000).map((candidateId) => ({ candidateId, title: '基线', body: '基线' })) });
    }
    const insertMs = performance.now() - b0;
    await prisma.$executeRawUnsafe('DELETE FROM "InboxMessage"');

    // baseline 2: mails straight through the pooled sender, `concurrency` at a time (no queue, no database)
    const direct = Math.min(n, 5000);
    let next = 0;
    const d0 = performance.now();
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (next < direct) {
          const i = next++;
          await email.send({ to: `d${i}@example.com`, subject: '基线', text: '基线', html: '<p>基线</p>', messageId: `<${randomUUID()}@bench>` });
        }
      }),
    );
    const directMs = performance.now() - d0;
    const acceptedBefore = sink.accepted();
    opts.log('  fan-out: baselines done; the real path');

    // the real path: the job, the fan-out, the delivery workers (limits raised so the limiter is not what is measured)
    // the pacer as in production (worker-app.ts), its rate raised like the limiters: its Redis round trip is measured
    const paced = pacedEmailSender(email, { redis: conn, prefix, perSecond: 100_000 });
    const deps = { prisma, storage: undefined as never, producer, clock: { now: () => new Date() }, email: paced, sms: new FileSmsSender('/tmp'), smsQuota: createSmsQuota({ redis: conn, prefix }), logger: quiet };
    const rt = startWorkers({
      queues: ['notify', 'notify-email', 'notify-inapp'],
      handlers: createHandlers(deps),
      redisUrl,
      prefix,
      concurrency: 4,
      logger: quiet,
      queueSettings: notifyQueueSettings({
        NOTIFY_EMAIL_PER_SECOND: 100_000,
        NOTIFY_SMS_PER_SECOND: 10,
        NOTIFY_INAPP_PER_SECOND: 100_000,
        NOTIFY_DELIVERY_CONCURRENCY: opts.concurrency,
      }),
    });
    const t0 = performance.now();
    await producer.add('notify.reminder', { kind: 'WINDOW_CLOSING_24H', subjectId: year.id });
    let inappMs = 0;
    let emailMs = 0;
    const deadline = t0 + 30 * 60_000;
    while (!emailMs) {
      await new Promise((r) => setTimeout(r, 200));
      const now = performance.now();
      if (!inappMs && (await prisma.inboxMessage.count()) >= n) inappMs = now - t0;
      if (sink.accepted() - acceptedBefore >= n) emailMs = performance.now() - t0;
      if (now > deadline) throw new Error('fan-out did not finish in 30 minutes');
    }
    if (!inappMs) inappMs = performance.now() - t0;
    await rt.close(10_000);
    const sent = await prisma.notificationOutbox.groupBy({ by: ['channel', 'status'], _count: true });
    const bad = sent.filter((s) => s.status !== 'SENT');
    if (bad.length) throw new Error(`rows not SENT: ${JSON.stringify(bad)}`);
    opts.log(`  fan-out ${fmt(n)}: in-app ${fmt(inappMs)} ms, email ${fmt(emailMs)} ms (direct ${fmt(directMs)} ms for ${fmt(direct)})`);

    const perS = (count: number, ms: number) => (count * 1000) / ms;
    const inappRate = perS(n, inappMs);
    const emailRate = perS(n, emailMs);
    const insertRate = perS(n, insertMs);
    const directRate = perS(direct, directMs);
    const met = (rate: number, goal: number) => (rate >= goal ? `met (≥ ${fmt(goal)}/s)` : `**not met** (goal ≥ ${fmt(goal)}/s)`);
    return {
      title: `Notification fan-out (${n.toLocaleString('en')} recipients)`,
      intro:
        `One \`notify.reminder\` (上传截止前24小时提醒) to ${fmt(n)} candidates without a submitted dossier, each with an email address, ` +
        `run by the real workers (\`notify\`, \`notify-inapp\`, \`notify-email\` queues; delivery concurrency ${opts.concurrency}, ` +
        `SMTP pool ${opts.pool}; the per-second limiters raised to 100,000 so the code, not the configured limit, is measured — ` +
        `production defaults NOTIFY_EMAIL_PER_SECOND=50, NOTIFY_INAPP_PER_SECOND=1000 throttle on purpose) against a local SMTP sink ` +
        `(smtp-server, messages read and dropped). Time from the enqueue of the job. In-app rows are written by the fan-out in ` +
        `batches of 2,000 (outbox row SENT + inbox message in one transaction) before any mail is queued; mails go ${EMAIL_BATCH} to a delivery job ` +
        `(\`notify.deliver-email-batch\`: one claim and one status write per batch, each mail paced by NOTIFY_EMAIL_PER_SECOND through Redis). ` +
        `Baselines: plain batched INSERTs of ${fmt(n)} inbox rows; ${fmt(direct)} mails sent straight through the same pooled ` +
        `sender with the same parallelism. Ratio = time per item ÷ the baseline's.`,
      table: table(
        ['Case', ' per second', ' total', ' ratio', ' goal'],
        [
          ['baseline: batched `INSERT` of inbox rows', fmt(insertRate), `${fmt(insertMs / 1000)} s`, '1.00×', ''],
          ['**in-app**: every outbox row SENT + inbox message written', fmt(inappRate), `${fmt(inappMs / 1000)} s`, `${(insertRate / inappRate).toFixed(2)}×`, met(inappRate, FANOUT_INAPP_GOAL)],
          [`baseline: pooled nodemailer, ${opts.concurrency} in parallel, no queue`, fmt(directRate), `${fmt(directMs / 1000)} s`, '1.00×', ''],
          ['**email**: every mail accepted by the sink', fmt(emailRate), `${fmt(emailMs / 1000)} s`, `${(directRate / emailRate).toFixed(2)}×`, met(emailRate, FANOUT_EMAIL_GOAL)],
        ],
      ),
    };
  } finally {
    for (const q of QUEUE_NAMES) await producer.queue(q).obliterate({ force: true }).catch(() => undefined);
    await producer.close();
    await conn.quit();
    await email.close();
    await sink.close();
    await prisma.$disconnect();
    await db.drop();
    opts.open.delete(db);
  }
}
