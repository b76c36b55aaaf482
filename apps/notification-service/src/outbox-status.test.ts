// 通知发送状态 over real Postgres, Redis/BullMQ, the real workers process (queue notify-email) and a local mail sink.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createPrismaClient, type Prisma } from '@exam/db';
import { createLogger } from '@exam/http';
import { QUEUE_NAMES, createJobProducer, createRedisConnection, jobIdFor } from '@exam/queue';
import { createTestDatabase, loginAs, seedCandidate, seedSite, seedStaff, seedYear, testRedisPrefix, testRedisUrl, type AuthHeaders } from '@exam/testing';
import { spawnTs, startMailSink, type ManagedProcess, type MailSink } from '@exam/dev-tools';
import { buildNotificationApp } from './app.js';
import { maskEmail, maskErrorText, maskPhone } from './outbox-status.rules.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const db = await createTestDatabase();
const prisma = createPrismaClient(db.url);
const redis = createRedisConnection(testRedisUrl(), 'producer');
const prefix = testRedisPrefix();
const producer = createJobProducer(redis, prefix);
const app = buildNotificationApp({
  prisma,
  redis,
  producer,
  logger: createLogger('notification-service', 'silent'),
  now: () => new Date(),
  session: { idleMinutes: 30, absoluteHours: 12, cookieSecure: false },
});

let dir: string;
let mailSink: MailSink;
let workers: ManagedProcess;
const workerLines: string[] = [];
afterAll(async () => {
  await workers?.stop();
  await mailSink?.close();
  for (const q of QUEUE_NAMES) await producer.queue(q).obliterate({ force: true });
  await producer.close();
  await redis.quit();
  await prisma.$disconnect();
  await db.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const h = {} as Record<'admin' | 'otherAdmin' | 'reviewer', AuthHeaders>;
const ids = {} as Record<'failedEmail' | 'sentSms' | 'unitFailed' | 'expired' | 'otherFailed' | 'failedExpiredAt', string>;
let candidateA: { id: string; registrationNo: string };

const row = (candidateId: string, data: Partial<Prisma.NotificationOutboxUncheckedCreateInput>) =>
  prisma.notificationOutbox.create({
    data: {
      eventKey: `transition:${Math.random().toString(36).slice(2)}`,
      eventType: 'dossier.pending_site',
      recipientType: 'CANDIDATE',
      candidateId,
      channel: 'EMAIL',
      templateCode: 'SUBMITTED',
      params: { name: '王小明', year: '2026年医师资格考试' },
      ...data,
    },
  });

async function mailsTo(address: string): Promise<number> {
  const files = (await readdir(join(dir, 'mail')).catch(() => [] as string[])).filter((f) => f.endsWith('.eml'));
  let n = 0;
  for (const f of files) if ((await readFile(join(dir, 'mail', f), 'utf8')).includes(address)) n++;
  return n;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, ms = 45_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; workers said:\n${workerLines.slice(-30).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outbox-status-'));
  mailSink = await startMailSink({ port: 0, dir: join(dir, 'mail') });
  const year = await seedYear(prisma);
  const site = await seedSite(prisma);
  const otherYear = await seedYear(prisma, { districtCode: '13' });
  const otherSite = await seedSite(prisma, { districtCode: '13' });
  candidateA = await seedCandidate(prisma, year, site, { name: '王小明', registrationNo: '2026120001' });
  const candidateB = await seedCandidate(prisma, year, site, { name: '李四', registrationNo: '2026120002' });
  const outsider = await seedCandidate(prisma, otherYear, otherSite, { name: '赵六', registrationNo: '2026130001' });
  expect(otherYear.districtCode).toBe('13');

  h.admin = await loginAs(prisma, { role: 'ADMIN', userId: (await seedStaff(prisma, 'ADMIN')).id });
  h.otherAdmin = await loginAs(prisma, { role: 'ADMIN', userId: (await seedStaff(prisma, 'ADMIN', { districtCode: '13' })).id });
  h.reviewer = await loginAs(prisma, { role: 'DISTRICT_REVIEWER', userId: (await seedStaff(prisma, 'DISTRICT_REVIEWER')).id });

  ids.failedEmail = (
    await row(candidateA.id, {
      address: 'wang.xm@example.com',
      status: 'FAILED',
      reason: 'RECIPIENT_REJECTED',
      attempts: 1,
      lastError: '550 5.1.1 <wang.xm@example.com>: Recipient address rejected',
    })
  ).id;
  ids.sentSms = (await row(candidateA.id, { channel: 'SMS', address: '13800000001', status: 'SENT', sentAt: new Date(), provider: 'file' })).id;
  ids.unitFailed = (
    await row(candidateB.id, { recipientType: 'UNIT', address: 'hr@hospital.example.com', status: 'FAILED', reason: 'SMTP_REJECTED', templateCode: 'RETURNED', params: { name: '李四', year: '2026年医师资格考试', deadline: '2026年2月5日 24:00', reasons: '毕业证书不清晰' } })
  ).id;
  ids.expired = (await row(candidateB.id, { channel: 'INAPP', status: 'EXPIRED', reason: 'EXPIRED', templateCode: 'WINDOW_CLOSING_2H' })).id;
  ids.failedExpiredAt = (
    await row(candidateB.id, { address: 'late@example.com', status: 'FAILED', reason: 'SMTP_REJECTED', expiresAt: new Date(Date.now() - 60_000) })
  ).id;
  ids.otherFailed = (await row(outsider.id, { address: 'zhao@example.com', status: 'FAILED', reason: 'RECIPIENT_REJECTED' })).id;
  await row(candidateA.id, { channel: 'INAPP', status: 'SENT', sentAt: new Date(), provider: 'inbox' });

  // the real workers process, delivering email and in-app notices of this run's queues into the mail sink
  workers = spawnTs(
    'workers',
    join(root, 'apps/workers/src/main.ts'),
    {
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      DATABASE_POOL_MAX: '3',
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: prefix,
      SMTP_URL: `smtp://127.0.0.1:${mailSink.port}`,
      STORAGE_DIR: join(dir, 'blobs'),
      SMS_DIR: join(dir, 'sms'),
      WORKER_QUEUES: 'notify-email,notify-inapp',
      WORKER_HEALTH_PORT: '0',
      ID_ENC_KEY: '',
      ID_ENC_KEYS: '',
      ID_ENC_KEY_CURRENT: '',
      ID_HASH_KEY: '',
    },
    { cwd: root, quiet: true, onLine: (l) => workerLines.push(l) },
  );
}, 60_000);

describe('masking', () => {
  it('masks phones, e-mail addresses and ID numbers', () => {
    expect(maskPhone('13800000001')).toBe('138****0001');
    expect(maskEmail('hello@example.com')).toBe('h***@example.com');
    expect(maskErrorText('550 <wang.xm@example.com> 13800000001 120101199001011234')).toBe('550 <w***@example.com> 138****0001 [已隐藏]');
  });
});

describe('delivery status (ADMIN, own district)', () => {
  it('counts per event × channel × status match the rows of the district', async () => {
    const res = await request(app).get('/api/notification/admin/outbox/counts').set(h.admin);
    expect(res.status).toBe(200);
    const inDistrict = await prisma.notificationOutbox.findMany({ where: { candidateId: { not: null }, NOT: { id: ids.otherFailed } } });
    const expected = new Map<string, number>();
    for (const r of inDistrict) expected.set(`${r.templateCode}|${r.channel}|${r.status}`, (expected.get(`${r.templateCode}|${r.channel}|${r.status}`) ?? 0) + 1);
    const got = new Map<string, number>();
    for (const r of res.body.rows as { event: string; channel: string; counts: Record<string, number> }[]) {
      for (const [s, n] of Object.entries(r.counts)) if (n) got.set(`${r.event}|${r.channel}|${s}`, n);
    }
    expect(got).toEqual(expected);
    expect(res.body.totals).toMatchObject({ FAILED: 3, SENT: 2, EXPIRED: 1, PENDING: 0 });
    expect(res.body.rows.find((r: { event: string; channel: string }) => r.event === 'SUBMITTED' && r.channel === 'EMAIL')).toMatchObject({
      eventLabel: '报名材料提交成功',
      counts: { FAILED: 2 },
    });
    // the other district sees only its own row
    const other = await request(app).get('/api/notification/admin/outbox/counts').set(h.otherAdmin);
    expect(other.body.totals).toMatchObject({ FAILED: 1, SENT: 0 });
  });

  it('lists rows with filters and a cursor, addresses masked, reasons in Chinese', async () => {
    const all: { id: string }[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await request(app)
        .get('/api/notification/admin/outbox')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(h.admin);
      expect(res.status).toBe(200);
      all.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(all).toHaveLength(6);
    expect(new Set(all.map((r) => r.id)).size).toBe(6);
    expect(all.map((r) => r.id)).not.toContain(ids.otherFailed);

    const failed = await request(app).get('/api/notification/admin/outbox').query({ status: 'FAILED', q: '王小明' }).set(h.admin);
    expect(failed.body.items).toHaveLength(1);
    expect(failed.body.items[0]).toMatchObject({
      id: ids.failedEmail,
      address: 'w***@example.com',
      reason: 'RECIPIENT_REJECTED',
      reasonLabel: '收件地址被邮件服务器拒收',
      eventLabel: '报名材料提交成功',
      registrationNo: '2026120001',
      resendable: true,
    });
    expect(JSON.stringify(failed.body)).not.toContain('wang.xm@');
    const sms = await request(app).get('/api/notification/admin/outbox').query({ channel: 'SMS', q: '2026120001' }).set(h.admin);
    expect(sms.body.items.map((r: { address: string }) => r.address)).toEqual(['138****0001']);
    const unit = await request(app).get('/api/notification/admin/outbox').query({ event: 'RETURNED' }).set(h.admin);
    expect(unit.body.items).toMatchObject([{ id: ids.unitFailed, recipientType: 'UNIT', address: 'h***@hospital.example.com' }]);
    const later = await request(app).get('/api/notification/admin/outbox').query({ from: new Date(Date.now() + 3_600_000).toISOString() }).set(h.admin);
    expect(later.body.items).toEqual([]);
    expect(
      (await request(app).get('/api/notification/admin/outbox').query({ status: 'FAILED', q: '王小明' }).set(h.otherAdmin)).body.items,
    ).toEqual([]);
  });

  it('answers bad input with a Chinese 4xx, and refuses non-admins', async () => {
    const bad = async (query: Record<string, string>) => {
      const res = await request(app).get('/api/notification/admin/outbox').query(query).set(h.admin);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
      return res.body.error.message as string;
    };
    expect(await bad({ status: 'LOST' })).toContain('状态参数无效');
    expect(await bad({ channel: 'FAX' })).toContain('渠道参数无效');
    expect(await bad({ from: 'yesterday' })).toContain('开始时间格式不正确');
    expect(await bad({ from: '2026-02-02T00:00:00Z', to: '2026-02-01T00:00:00Z' })).toContain('开始时间不能晚于结束时间');
    expect(await bad({ cursor: Buffer.from('x|y').toString('base64url') })).toContain('分页参数不正确');
    expect(await bad({ limit: '1000' })).toContain('每页最多 100 条');
    expect((await request(app).get('/api/notification/admin/outbox').set(h.reviewer)).status).toBe(403);
    expect((await request(app).post(`/api/notification/admin/outbox/${ids.failedEmail}/resend`).set(h.reviewer)).status).toBe(403);
    expect((await request(app).post('/api/notification/admin/outbox/not-a-uuid/resend').set(h.admin)).status).toBe(404);
    const noConfirm = await request(app).post('/api/notification/admin/outbox/resend-failed').set(h.admin).send({ filter: {} });
    expect(noConfirm.status).toBe(400);
    expect(noConfirm.body.error.message).toContain('请确认重新发送的条数');
  });

  it('refuses to re-send a SENT, an EXPIRED or a past-expiry row (409), and another district’s row (404)', async () => {
    const sent = await request(app).post(`/api/notification/admin/outbox/${ids.sentSms}/resend`).set(h.admin);
    expect(sent.status).toBe(409);
    expect(sent.body.error.message).toBe('只能重新发送发送失败的通知（该通知当前状态：已发送）');
    const expired = await request(app).post(`/api/notification/admin/outbox/${ids.expired}/resend`).set(h.admin);
    expect(expired.status).toBe(409);
    expect(expired.body.error.message).toBe('该通知已过时效，不能重新发送');
    expect((await request(app).post(`/api/notification/admin/outbox/${ids.failedExpiredAt}/resend`).set(h.admin)).status).toBe(409);
    const foreign = await request(app).post(`/api/notification/admin/outbox/${ids.otherFailed}/resend`).set(h.admin);
    expect(foreign.status).toBe(404);
    expect(await prisma.notificationOutbox.findUniqueOrThrow({ where: { id: ids.otherFailed } })).toMatchObject({ status: 'FAILED' });
    expect(await prisma.notificationOutbox.findUniqueOrThrow({ where: { id: ids.sentSms } })).toMatchObject({ status: 'SENT' });
  });

  it('re-sends a FAILED email once — delivered to the mail sink once even when 重新发送 is clicked twice — and audits it', async () => {
    // an earlier delivery job of this row is kept as completed (a final failure completes the job): it must not swallow the re-send
    const jobId = jobIdFor('notify.deliver-email', { outboxId: ids.failedEmail });
    await producer.add('notify.deliver-email', { outboxId: ids.failedEmail });
    const old = await producer.queue('notify-email').getJob(jobId);
    await waitFor('the old job to finish', async () => ['completed', 'failed'].includes((await old?.getState()) ?? '') || null);
    expect(await mailsTo('wang.xm@example.com')).toBe(0);

    const [first, second] = await Promise.all([
      request(app).post(`/api/notification/admin/outbox/${ids.failedEmail}/resend`).set(h.admin),
      request(app).post(`/api/notification/admin/outbox/${ids.failedEmail}/resend`).set(h.admin),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    expect([first.body, second.body]).toContainEqual({ resent: 1 });
    const sent = await waitFor('the re-sent row to be SENT', async () => {
      const r = await prisma.notificationOutbox.findUniqueOrThrow({ where: { id: ids.failedEmail } });
      return r.status === 'SENT' ? r : null;
    });
    expect(sent).toMatchObject({ provider: 'smtp', reason: null });
    await waitFor('the mail', async () => (await mailsTo('wang.xm@example.com')) > 0);
    // a third click after delivery: still refused, and nothing more arrives
    expect((await request(app).post(`/api/notification/admin/outbox/${ids.failedEmail}/resend`).set(h.admin)).status).toBe(409);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await mailsTo('wang.xm@example.com')).toBe(1);
    const audits = await prisma.auditLog.findMany({ where: { action: 'notify.resend', targetId: ids.failedEmail } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorType: 'STAFF', candidateId: candidateA.id, details: { count: 1, channel: 'EMAIL' } });
  }, 90_000);

  it('re-sends all FAILED rows of a filter after confirming their number', async () => {
    const ask = (confirmCount: number, filter: Record<string, string> = {}) =>
      request(app).post('/api/notification/admin/outbox/resend-failed').set(h.admin).send({ filter, confirmCount });
    const wrong = await ask(5);
    expect(wrong.status).toBe(409);
    // FAILED and not past its expiry in the district: only the unit's row (the other district's row is not counted)
    expect(wrong.body.error).toMatchObject({ code: 'RESEND_CONFIRM', message: '符合条件的失败通知共 1 条，请确认后再重新发送', details: { count: 1 } });
    const none = await ask(0, { event: 'SITE_PASSED' });
    expect(none.status).toBe(409);
    expect(none.body.error.message).toBe('没有可重新发送的失败通知');
    const ok = await ask(1);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ resent: 1 });
    await waitFor('the unit row to be SENT', async () => (await prisma.notificationOutbox.findUniqueOrThrow({ where: { id: ids.unitFailed } })).status === 'SENT');
    expect(await mailsTo('hr@hospital.example.com')).toBe(1);
    expect(await prisma.notificationOutbox.findUniqueOrThrow({ where: { id: ids.otherFailed } })).toMatchObject({ status: 'FAILED' });
    expect(await prisma.notificationOutbox.findUniqueOrThrow({ where: { id: ids.failedExpiredAt } })).toMatchObject({ status: 'FAILED' });
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: 'notify.resend', targetId: null } });
    expect(audit.details).toMatchObject({ count: 1, filter: {} });
    // the other district's admin re-sends their own
    const other = await request(app).post('/api/notification/admin/outbox/resend-failed').set(h.otherAdmin).send({ filter: {}, confirmCount: 1 });
    expect(other.body).toEqual({ resent: 1 });
  }, 90_000);
});
