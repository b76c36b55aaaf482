import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createPrismaClient } from '@exam/db';
import { createLogger } from '@exam/http';
import { QUEUE_NAMES, createJobProducer, createRedisConnection } from '@exam/queue';
import { createTestDatabase, testRedisPrefix, testRedisUrl } from '@exam/testing';
import { loginAs, seedCandidate, seedSite, seedStaff, seedYear, type AuthHeaders } from '@exam/testing';
import { buildNotificationApp } from './app.js';

const RECEIPT_TOKEN = 'r'.repeat(20) + 'ECEIPT-token-0123456789';
const db = await createTestDatabase();
const prisma = createPrismaClient(db.url);
const redis = createRedisConnection(testRedisUrl(), 'producer');
const producer = createJobProducer(redis, testRedisPrefix());
const app = buildNotificationApp({
  prisma,
  redis,
  producer,
  logger: createLogger('notification-service', 'silent'),
  now: () => new Date('2026-02-02T00:00:00Z'),
  session: { idleMinutes: 30, absoluteHours: 12, cookieSecure: false },
  smsReceiptToken: RECEIPT_TOKEN,
});
afterAll(async () => {
  for (const q of QUEUE_NAMES) await producer.queue(q).obliterate({ force: true });
  await producer.close();
  await redis.quit();
  await prisma.$disconnect();
  await db.drop();
});

const h = {} as Record<'a' | 'b' | 'admin' | 'district', AuthHeaders>;
let messageOfB: string;
let messagesOfA: string[];

beforeAll(async () => {
  const year = await seedYear(prisma);
  const site = await seedSite(prisma);
  const a = await seedCandidate(prisma, year, site);
  const b = await seedCandidate(prisma, year, site);
  h.a = await loginAs(prisma, { role: 'CANDIDATE', candidateId: a.id });
  h.b = await loginAs(prisma, { role: 'CANDIDATE', candidateId: b.id });
  h.admin = await loginAs(prisma, { role: 'ADMIN', userId: (await seedStaff(prisma, 'ADMIN')).id });
  h.district = await loginAs(prisma, { role: 'DISTRICT_REVIEWER', userId: (await seedStaff(prisma, 'DISTRICT_REVIEWER')).id });
  messagesOfA = [];
  for (let i = 0; i < 55; i++) {
    const m = await prisma.inboxMessage.create({
      data: { candidateId: a.id, title: `通知${i}`, body: '您的材料已提交', createdAt: new Date(Date.UTC(2026, 1, 1, 0, i)) },
    });
    messagesOfA.push(m.id);
  }
  messageOfB = (await prisma.inboxMessage.create({ data: { candidateId: b.id, title: '退回补充', body: '请补充毕业证书' } })).id;
});

describe('inbox', () => {
  it('shows a candidate only their own messages, newest first, 20 a page with a cursor to the next, and the unread count', async () => {
    const res = await request(app).get('/api/notification/inbox').set(h.a);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(20);
    expect(res.body.items[0]).toMatchObject({ title: '通知54', readAt: null });
    expect(res.body.items[19].title).toBe('通知35');
    expect(res.body.unread).toBe(55);
    // page on to the end: every message exactly once, in order
    const titles: string[] = res.body.items.map((m: { title: string }) => m.title);
    let cursor: string | null = res.body.nextCursor;
    while (cursor) {
      const next = await request(app).get('/api/notification/inbox').query({ cursor }).set(h.a);
      titles.push(...next.body.items.map((m: { title: string }) => m.title));
      cursor = next.body.nextCursor;
    }
    expect(titles).toEqual(Array.from({ length: 55 }, (_, i) => `通知${54 - i}`));
    const b = await request(app).get('/api/notification/inbox').set(h.b);
    expect(b.body.items.map((m: { title: string }) => m.title)).toEqual(['退回补充']);
    expect(b.body.nextCursor).toBeNull();
    expect((await request(app).get('/api/notification/inbox/unread').set(h.b)).body).toEqual({ unread: 1 });
  });

  it('answers a forged or broken cursor with 400', async () => {
    const forged = Buffer.from('2026-02-01T00:00:00.000Z|not-a-uuid').toString('base64url');
    expect((await request(app).get('/api/notification/inbox').query({ cursor: forged }).set(h.a)).status).toBe(400);
    expect((await request(app).get('/api/notification/inbox').query({ cursor: 'a.b' }).set(h.a)).status).toBe(400);
  });

  it('marks an own message read (idempotently); another candidate’s message is 404', async () => {
    const id = messagesOfA[54]!;
    expect((await request(app).post(`/api/notification/inbox/${id}/read`).set(h.a)).status).toBe(204);
    expect((await request(app).post(`/api/notification/inbox/${id}/read`).set(h.a)).status).toBe(204);
    const res = await request(app).get('/api/notification/inbox').set(h.a);
    expect(res.body.unread).toBe(54);
    expect(res.body.items[0].readAt).toBe('2026-02-02T00:00:00.000Z');

    expect((await request(app).post(`/api/notification/inbox/${messageOfB}/read`).set(h.a)).status).toBe(404);
    expect((await request(app).post('/api/notification/inbox/nope/read').set(h.a)).status).toBe(404);
    expect((await prisma.inboxMessage.findUniqueOrThrow({ where: { id: messageOfB } })).readAt).toBeNull();
  });

  it('全部已读 marks every own message read and leaves other candidates alone', async () => {
    expect((await request(app).post('/api/notification/inbox/read-all').set(h.a)).status).toBe(204);
    expect((await request(app).get('/api/notification/inbox/unread').set(h.a)).body).toEqual({ unread: 0 });
    expect((await request(app).get('/api/notification/inbox/unread').set(h.b)).body).toEqual({ unread: 1 });
  });

  it('is for candidates only, and writes need the CSRF header', async () => {
    expect((await request(app).get('/api/notification/inbox').set(h.admin)).status).toBe(403);
    expect((await request(app).get('/api/notification/inbox')).status).toBe(401);
    const res = await request(app).post(`/api/notification/inbox/${messagesOfA[0]}/read`).set({ Cookie: h.a.Cookie! });
    expect(res.status).toBe(403);
  });
});

describe('GET /api/notification/health/queues', () => {
  it('shows the admin the job counts of every queue under the run prefix', async () => {
    await producer.add('image.process', { imageId: 'img-1' });
    await producer.add('notify.fanout', { transitionId: 'tr-1' }, { delay: 60_000 });
    const res = await request(app).get('/api/notification/health/queues').set(h.admin);
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(res.body.queues.map((q: { name: string }) => [q.name, q]));
    expect(Object.keys(byName).sort()).toEqual([...QUEUE_NAMES].sort());
    expect(byName.image.counts).toMatchObject({ waiting: 1, failed: 0 });
    expect(byName.notify.counts).toMatchObject({ delayed: 1, waiting: 0 });
    expect(byName.deadline.paused).toBe(false);
  });

  it('is refused to everyone but the admin', async () => {
    expect((await request(app).get('/api/notification/health/queues').set(h.district)).status).toBe(403);
    expect((await request(app).get('/api/notification/health/queues').set(h.a)).status).toBe(403);
  });
});

describe('POST /api/notification/sms-receipts/:token (the provider\'s delivery-receipt push)', () => {
  async function smsRow(status: 'SENDING' | 'SENT') {
    const year = await seedYear(prisma);
    const c = await seedCandidate(prisma, year, await seedSite(prisma), { phone: '13900000001' });
    return prisma.notificationOutbox.create({
      data: { eventKey: `t:${c.id}`, eventType: 'SUBMITTED', recipientType: 'CANDIDATE', candidateId: c.id, channel: 'SMS', address: '13900000001', templateCode: 'SUBMITTED', status },
    });
  }
  const push = (token: string, body: unknown) => request(app).post(`/api/notification/sms-receipts/${token}`).send(body as object);

  it('records a delivered receipt on its row by out-id and answers what Aliyun expects, twice alike', async () => {
    const row = await smsRow('SENDING');
    const body = [{ out_id: row.id, biz_id: 'biz-1', success: true, err_code: 'DELIVERED', report_time: '2026-02-02 08:00:01' }];
    for (let i = 0; i < 2; i++) {
      const res = await push(RECEIPT_TOKEN, body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ code: 0, msg: '成功' });
    }
    expect(await prisma.notificationOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'SENT', receiptStatus: 'DELIVERED' });
  });

  it('a wrong token looks like no route at all, and a body of another shape is 400', async () => {
    const row = await smsRow('SENT');
    const res = await push('x'.repeat(43), [{ out_id: row.id, success: false, err_code: 'MOBILE_NOT_ON_SERVICE' }]);
    expect(res.status).toBe(404);
    expect((await prisma.notificationOutbox.findUniqueOrThrow({ where: { id: row.id } })).receiptStatus).toBeNull();
    const bad = await push(RECEIPT_TOKEN, { not: 'an array' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('RECEIPTS_INVALID');
  });
});
