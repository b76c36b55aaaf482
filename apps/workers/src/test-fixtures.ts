// Shared set-up of the workers' integration tests: a fresh Postgres database, a unique Redis prefix, a temporary
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
// blob store, a mail sink and an SMS file sink. Imported by *.test.ts only (never by main.ts).
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrismaClient, type PrismaClient } from '@exam/db';
import { FileSmsSender, createSmsQuota, createSmtpEmailSender, type EmailSender } from '@exam/notify';
import { QUEUE_NAMES, createJobProducer, createRedisConnection, type JobProducer, type QueueName } from '@exam/queue';
import { FsBlobStorage, newBlobKey, type BlobStorage } from '@exam/storage';
import { createTestDatabase, testRedisPrefix, testRedisUrl } from '@exam/testing';
import { startMailSink, type MailSink } from '@exam/dev-tools';
import type { Clock, WorkerDeps, WorkerLogger } from './deps.js';
import { createHandlers } from './handlers.js';
import { startWorkers, type QueueSettings, type WorkerRuntime } from './worker-runtime.js';

/** Delivery retries in tests: the same number of attempts as production, a short fixed backoff. */
export const TEST_DELIVERY_BACKOFF = { type: 'fixed', delay: 300 } as const;

export const quietLogger: WorkerLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface Fixture {
  prisma: PrismaClient;
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  producer: JobProducer;
  /** a temporary folder (storageDir), or the storage the test passed in (an S3-compatible one) */
  storage: BlobStorage;
  storageDir: string;
  mailDir: string;
  smsDir: string;
  mailSink: MailSink;
  email: EmailSender;
  sms: FileSmsSender;
  clock: Clock & { set(d: Date | undefined): void };
  deps: WorkerDeps;
  /** workers over the fixture's deps (or some of them replaced), with optional per-queue settings (limiters) */
  startWorkers(queues: QueueName[], opts?: { deps?: Partial<WorkerDeps>; queueSettings?: Partial<Record<QueueName, QueueSettings>> }): WorkerRuntime;
  mails(): Promise<string[]>;
  close(): Promise<void>;
}

export async function createFixture(opts: { storage?: BlobStorage } = {}): Promise<Fixture> {
  const db = await createTestDatabase();
  const prisma = createPrismaClient(db.url, { max: 5 });
  const redisUrl = testRedisUrl();
  const prefix = testRedisPrefix();
  const conn = createRedisConnection(redisUrl, 'producer');
  const producer = createJobProducer(conn, prefix, {
    'notify.deliver-email': { backoff: TEST_DELIVERY_BACKOFF },
    'notify.deliver-sms': { backoff: TEST_DELIVERY_BACKOFF },
  });
  const dir = await mkdtemp(join(tmpdir(), 'workers-'));
  const storageDir = join(dir, 'blobs');
  const mailDir = join(dir, 'mail');
  const smsDir = join(dir, 'sms');
  const storage = opts.storage ?? new FsBlobStorage(storageDir);
  const mailSink = await startMailSink({ port: 0, dir: mailDir });
  const email = createSmtpEmailSender({ url: `smtp://127.0.0.1:${mailSink.port}`, from: '审核系统 <noreply@exam.local>' });
  const sms = new FileSmsSender(smsDir);
  let now: Date | undefined;
  const clock = { now: () => now ?? new Date(), set: (d: Date | undefined) => void (now = d) };
  const smsQuota = createSmsQuota({ redis: conn, prefix });
  const deps: WorkerDeps = { prisma, storage, producer, clock, email, sms, smsQuota, logger: quietLogger };
  const runtimes: WorkerRuntime[] = [];

  return {
    prisma,
    databaseUrl: db.url,
    redisUrl,
    prefix,
    producer,
    storage,
    storageDir,
    mailDir,
    smsDir,
    mailSink,
    email,
    sms,
    clock,
    deps,
    startWorkers(queues, opts = {}) {
      const handlers = createHandlers({ ...deps, ...opts.deps });
      const rt = startWorkers({ queues, handlers, redisUrl, prefix, concurrency: 4, logger: quietLogger, ...(opts.queueSettings ? { queueSettings: opts.queueSettings } : {}) });
      runtimes.push(rt);
      return rt;
    },
    async mails() {
      const files = (await readdir(mailDir)).filter((f) => f.endsWith('.eml'));
      return Promise.all(files.map((f) => readFile(join(mailDir, f), 'utf8')));
    },
    async close() {
      await Promise.all(runtimes.map((r) => r.close(5_000)));
      for (const q of QUEUE_NAMES) await producer.queue(q).obliterate({ force: true }).catch(() => undefined);
      await producer.close();
      await conn.quit();
      await email.close();
      await mailSink.close();
      await prisma.$disconnect();
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a truthy value (fails after `ms`; not a timing assertion, just a bound). */
export async function waitFor<T>(check: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error('waitFor: condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const uniq = () => randomBytes(4).toString('hex');

export interface SeedOptions {
  uploadEnd?: Date;
  autoSubmitAtDeadline?: boolean;
}

export async function seedYear(prisma: PrismaClient, opts: SeedOptions = {}) {
  const code = uniq();
  const year = await prisma.examYear.create({
    data: {
      code,
      name: '2026年医师资格考试',
      districtCode: `D${code}`,
      districtName: '天津考区',
      uploadStart: new Date('2026-01-29T02:00:00Z'),
      uploadEnd: opts.uploadEnd ?? new Date('2026-02-11T16:00:00Z'),
      autoSubmitAtDeadline: opts.autoSubmitAtDeadline ?? true,
    },
  });
  const site = await prisma.examSite.create({ data: { districtCode: year.districtCode, code: 'S01', name: '和平考点' } });
  return { year, site };
}

export interface CandidateOptions {
  email?: string | null;
  phone?: string | null;
  unitEmail?: string | null;
  unitPhone?: string | null;
  status?: 'DRAFT' | 'PENDING_SITE' | 'RETURNED' | 'PENDING_DISTRICT' | 'APPROVED' | 'REJECTED';
}

export async function seedCandidate(prisma: PrismaClient, yearId: string, siteId: string, opts: CandidateOptions = {}) {
  const candidate = await prisma.candidate.create({
    data: {
      examYearId: yearId,
      siteId,
      registrationNo: `R${uniq()}`,
      name: '张三',
      candidateType: 'GRADUATE',
      unitName: '天津市第一医院',
      unitEmail: opts.unitEmail ?? null,
      unitPhone: opts.unitPhone ?? null,
      email: opts.email ?? null,
      phone: opts.phone ?? null,
      idNumberEnc: Buffer.from('dummy-ciphertext'),
      idNumberHash: randomBytes(32).toString('hex'),
    },
  });
  const dossier = await prisma.dossier.create({
    data: { candidateId: candidate.id, examYearId: yearId, siteId, status: opts.status ?? 'DRAFT' },
  });
  return { candidate, dossier };
}

/** What material-service does on upload: store the raw upload under a random `uploads/` key, insert a PROCESSING row. */
export async function seedImage(
  f: Pick<Fixture, 'prisma' | 'storage'>,
  dossierId: string,
  bytes: Buffer,
  extra: { uploadedAt?: Date; processAttempts?: number } = {},
) {
  const storageKey = newBlobKey('uploads');
  await f.storage.put(storageKey, bytes);
  return f.prisma.image.create({
    data: {
      dossierId,
      categoryCode: 'GRAD_CERT',
      storageKey,
      sha256: '0'.repeat(64),
      sizeBytes: bytes.length,
      state: 'PROCESSING',
      ...(extra.uploadedAt ? { uploadedAt: extra.uploadedAt } : {}),
      ...(extra.processAttempts ? { processAttempts: extra.processAttempts } : {}),
    },
  });
}

/** A local SMTP server that answers DATA as `answer(n)` says for the n-th message (null: accept). */
export async function scriptedSmtp(answer: (n: number, to: string) => { code: number; text: string } | null) {
  const accepted: string[] = [];
  let n = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 500,
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address).join(',');
        const a = answer(++n, to);
        if (!a) {
          accepted.push(to);
          return callback();
        }
        callback(Object.assign(new Error(a.text), { responseCode: a.code }));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    accepted,
    attempts: () => n,
    sender: createSmtpEmailSender({ url: `smtp://127.0.0.1:${port}`, from: '审核系统 <noreply@exam.local>', maxConnections: 2 }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
