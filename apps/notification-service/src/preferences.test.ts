import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createPrismaClient } from '@exam/db';
import { createLogger } from '@exam/http';
import { QUEUE_NAMES, createJobProducer, createRedisConnection } from '@exam/queue';
import { createTestDatabase, loginAs, seedCandidate, seedSite, seedStaff, seedYear, testRedisPrefix, testRedisUrl, type AuthHeaders } from '@exam/testing';
import { buildNotificationApp } from './app.js';

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
});
afterAll(async () => {
  for (const q of QUEUE_NAMES) await producer.queue(q).obliterate({ force: true });
  await producer.close();
  await redis.quit();
  await prisma.$disconnect();
  await db.drop();
});

const h = {} as Record<'a' | 'b' | 'admin', AuthHeaders>;
let a: { id: string };
let b: { id: string };
const URL = '/api/notification/preferences';

beforeAll(async () => {
  const year = await seedYear(prisma);
  const site = await seedSite(prisma);
  a = await seedCandidate(prisma, year, site);
  b = await seedCandidate(prisma, year, site);
  h.a = await loginAs(prisma, { role: 'CANDIDATE', candidateId: a.id });
  h.b = await loginAs(prisma, { role: 'CANDIDATE', candidateId: b.id });
  h.admin = await loginAs(prisma, { role: 'ADMIN', userId: (await seedStaff(prisma, 'ADMIN')).id });
});

type Ev = { code: string; label: string; mandatory: boolean; channels: Record<string, boolean> };
const event = (body: { events: Ev[] }, code: string) => body.events.find((e) => e.code === code)!;

describe('notification preferences (candidate only, own preferences)', () => {
  it('lists every notice with mandatory ones marked, all channels on by default', async () => {
    const res = await request(app).get(URL).set(h.a);
    expect(res.status).toBe(200);
    expect(res.body.events).toHaveLength(12);
    expect(event(res.body, 'RESULT_PUBLISHED')).toMatchObject({ label: '审核结果发布', mandatory: true, channels: { INAPP: true, EMAIL: true, SMS: true } });
    expect(event(res.body, 'SUBMITTED')).toMatchObject({ mandatory: false, channels: { INAPP: true, EMAIL: true, SMS: true } });
    expect(res.body.events.filter((e: Ev) => !e.mandatory).map((e: Ev) => e.code).sort()).toEqual(['RESUBMITTED', 'SITE_PASSED', 'SITE_REVIEWED', 'SUBMITTED']);
  });

  it('mutes optional notices per channel, stores them on the candidate only, and audits the change', async () => {
    const res = await request(app).put(URL).set(h.a).send({ muted: { EMAIL: ['SUBMITTED'], SMS: ['SUBMITTED', 'SITE_PASSED'] } });
    expect(res.status).toBe(200);
    expect(event(res.body, 'SUBMITTED').channels).toEqual({ INAPP: true, EMAIL: false, SMS: false });
    expect(event(res.body, 'SITE_PASSED').channels).toEqual({ INAPP: true, EMAIL: true, SMS: false });
    expect(event((await request(app).get(URL).set(h.a)).body, 'SITE_PASSED').channels.SMS).toBe(false);
    expect((await prisma.candidate.findUniqueOrThrow({ where: { id: a.id } })).notifyMuted).toEqual({ EMAIL: ['SUBMITTED'], SMS: ['SUBMITTED', 'SITE_PASSED'] });
    // b is untouched
    expect(event((await request(app).get(URL).set(h.b)).body, 'SUBMITTED').channels.EMAIL).toBe(true);
    const audit = await prisma.auditLog.findFirst({ where: { action: 'notification.preferences_changed', candidateId: a.id } });
    expect(audit?.details).toMatchObject({ muted: { EMAIL: ['SUBMITTED'] } });
    // an empty set turns everything on again
    const off = await request(app).put(URL).set(h.a).send({ muted: {} });
    expect(off.status).toBe(200);
    expect(event(off.body, 'SUBMITTED').channels.EMAIL).toBe(true);
  });

  it('refuses to mute a mandatory notice, an unknown one, or the in-app channel, with a Chinese 400', async () => {
    const mandatory = await request(app).put(URL).set(h.a).send({ muted: { SMS: ['RESULT_PUBLISHED'] } });
    expect(mandatory.status).toBe(400);
    expect(mandatory.body.error.message).toBe('「审核结果发布」为必须接收的通知，不能关闭短信');
    const deadline = await request(app).put(URL).set(h.a).send({ muted: { EMAIL: ['WINDOW_CLOSING_2H'] } });
    expect(deadline.status).toBe(400);
    expect(deadline.body.error.message).toContain('必须接收');
    const unknown = await request(app).put(URL).set(h.a).send({ muted: { EMAIL: ['NOPE'] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe('不存在的通知类型：NOPE');
    const inapp = await request(app).put(URL).set(h.a).send({ muted: { INAPP: ['SUBMITTED'] } });
    expect(inapp.status).toBe(400);
    expect(JSON.stringify(inapp.body.error)).toContain('站内信始终接收');
    for (const body of [null, 'x', { muted: 'x' }, { muted: { EMAIL: 'SUBMITTED' } }, { muted: { EMAIL: [1] } }, { extra: 1, muted: {} }]) {
      const r = await request(app).put(URL).set(h.a).set('content-type', 'application/json').send(JSON.stringify(body));
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    expect((await prisma.candidate.findUniqueOrThrow({ where: { id: a.id } })).notifyMuted).toEqual({});
  });

  it('is for candidates only', async () => {
    expect((await request(app).get(URL).set(h.admin)).status).toBe(403);
    expect((await request(app).put(URL).set(h.admin).send({ muted: {} })).status).toBe(403);
    expect((await request(app).get(URL)).status).toBe(401);
  });
});
