import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { Redis } from 'ioredis';
import type { Express } from 'express';
import { createPrismaClient, type ExamSite, type ExamYear, type PrismaClient } from '@exam/db';
import { createTestDatabase, seedCandidate, seedSite, seedYear, testRedisPrefix, testRedisUrl, TEST_ID_HASH_KEY, type TestDatabase } from '@exam/testing';
import { createLogger } from '@exam/http';
import { hashPassword, launchLinkParams, type AuthThrottleOptions, type LaunchLinkFields } from '@exam/auth';
import { FileSmsSender } from '@exam/notify';
import { createJobProducer, type JobProducer } from '@exam/queue';
import { buildIdentityApp } from './app.js';
import { launchNonceKey } from './launch-link.service.js';

const prefix = testRedisPrefix();
const redis = new Redis(testRedisUrl());
const KEY_OLD = randomBytes(32);
const KEY_NEW = randomBytes(48);
const KEYS = `old1:${KEY_OLD.toString('base64')},new2:${KEY_NEW.toString('base64')}`;
let db: TestDatabase;
let prisma: PrismaClient;
let app: Express;
let smsDir: string;
let producer: JobProducer;
let year: ExamYear;
let site: ExamSite;
let seq = 0;

function makeApp(opts: { throttle?: Partial<AuthThrottleOptions>; prefix?: string; keys?: string } = {}): Express {
  return buildIdentityApp({
    prisma,
    redis,
    logger: createLogger('identity-test', 'silent'),
    config: {
      QUEUE_PREFIX: opts.prefix ?? prefix,
      ID_HASH_KEY: TEST_ID_HASH_KEY,
      LAUNCH_LINK_KEYS: opts.keys ?? KEYS,
      SESSION_IDLE_MINUTES: 30,
      SESSION_ABSOLUTE_HOURS: 12,
      COOKIE_SECURE: false,
    },
    sms: new FileSmsSender(smsDir),
    producer,
    // refusals from one address are counted: this file makes many on purpose
    throttle: opts.throttle ?? { accountPoints: 1000, ipPoints: 1000, netPoints: 1000 },
  });
}

async function addCandidate(activated: boolean) {
  seq += 1;
  const registrationNo = `L${String(seq).padStart(5, '0')}${process.pid % 1000}`;
  const c = await seedCandidate(prisma, year, site, {
    registrationNo,
    idNumber: `1201011990${String(seq).padStart(4, '0')}123`.slice(0, 17) + 'X',
    name: '王五',
    phone: `1380000${String(seq).padStart(4, '0')}`,
  });
  if (activated) {
    await prisma.candidate.update({ where: { id: c.id }, data: { passwordHash: await hashPassword('secret123'), activatedAt: new Date() } });
  }
  return { ...c, registrationNo };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
function link(registrationNo: string, over: Partial<LaunchLinkFields> = {}, key = KEY_OLD) {
  return launchLinkParams(
    { kid: 'old1', registrationNo, examYear: year.code, expires: nowSeconds() + 300, nonce: randomBytes(16).toString('base64url'), ...over },
    key,
  );
}
const post = (body: object, to: Express = app) => request(to).post('/api/identity/launch').send(body);
const cookieNames = (res: request.Response) => ((res.headers['set-cookie'] as unknown as string[] | undefined) ?? []).map((c) => c.split('=')[0]);

async function auditRows(action: string, candidateId?: string) {
  return prisma.auditLog.findMany({ where: { action, ...(candidateId ? { candidateId } : {}) }, orderBy: { id: 'asc' } });
}

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
  smsDir = await mkdtemp(join(tmpdir(), 'identity-launch-sms-'));
  producer = createJobProducer(redis, prefix);
  year = await seedYear(prisma);
  site = await seedSite(prisma);
  app = makeApp();
});

afterAll(async () => {
  await producer?.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await prisma?.$disconnect();
  await db?.drop();
  await rm(smsDir, { recursive: true, force: true });
});

describe('POST /launch (signed launch link)', () => {
  it('logs an activated candidate in exactly like a password login and audits the method', async () => {
    const c = await addCandidate(true);
    const res = await post(link(c.registrationNo));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ next: 'UPLOAD', user: { id: c.id, role: 'CANDIDATE', displayName: '王五', siteId: site.id } });
    expect(cookieNames(res)).toEqual(expect.arrayContaining(['exam_sid', 'exam_csrf']));
    const cookies = res.headers['set-cookie'] as unknown as string[];
    const me = await request(app).get('/api/identity/me').set('Cookie', cookies.map((x) => x.split(';')[0]!).join('; '));
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(c.id);
    const [row] = await auditRows('identity.login', c.id);
    expect(row?.details).toEqual({ method: 'launch-link', kid: 'old1' });
  });

  it('accepts a link signed with the other key of the ring (rotation)', async () => {
    const c = await addCandidate(true);
    const res = await post(link(c.registrationNo, { kid: 'new2' }, KEY_NEW));
    expect(res.status).toBe(200);
    expect(res.body.next).toBe('UPLOAD');
  });

  it('sends a candidate not activated yet to activation, without a session', async () => {
    const c = await addCandidate(false);
    const res = await post(link(c.registrationNo));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ next: 'ACTIVATE', registrationNo: c.registrationNo });
    expect(cookieNames(res)).not.toContain('exam_sid');
    expect(await prisma.session.count({ where: { candidateId: c.id } })).toBe(0);
    expect(await auditRows('identity.launch_to_activation', c.id)).toHaveLength(1);
  });

  it('logs out whoever was logged in at this browser before, on both outcomes', async () => {
    const first = await addCandidate(true);
    const login = await post(link(first.registrationNo));
    const jar = (login.headers['set-cookie'] as unknown as string[]).map((x) => x.split(';')[0]!).join('; ');
    const csrf = /exam_csrf=([^;]+)/.exec(jar)![1]!;
    const newcomer = await addCandidate(false);
    const res = await request(app).post('/api/identity/launch').set('Cookie', jar).set('x-csrf-token', csrf).send(link(newcomer.registrationNo));
    expect(res.body.next).toBe('ACTIVATE');
    expect(cookieNames(res)).toContain('exam_sid'); // cleared
    expect((await request(app).get('/api/identity/me').set('Cookie', jar)).status).toBe(401);
  });

  it('refuses a replayed link, also when the copies race', async () => {
    const c = await addCandidate(true);
    const l = link(c.registrationNo);
    expect((await post(l)).status).toBe(200);
    const again = await post(l);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'LAUNCH_LINK_USED', message: expect.stringContaining('链接已被使用') });
    expect(cookieNames(again)).not.toContain('exam_sid');

    const racing = link(c.registrationNo);
    const answers = await Promise.all(Array.from({ length: 6 }, () => post(racing)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    // the nonce is remembered until the link has expired (+ the skew), not forever
    const ttl = await redis.ttl(launchNonceKey(prefix, 'old1', racing.nonce));
    expect(ttl).toBeGreaterThan(300);
    expect(ttl).toBeLessThanOrEqual(300 + 61);
  });

  it('refuses tampered links (any field, or the signature) without consuming their nonce', async () => {
    const c = await addCandidate(true);
    const other = await addCandidate(true);
    const good = link(c.registrationNo);
    const tampered = [
      { ...good, rn: other.registrationNo },
      { ...good, exp: String(Number(good.exp) + 60) },
      { ...good, yr: `${good.yr}x`.slice(-16) },
      { ...good, sig: (good.sig.startsWith('A') ? 'B' : 'A') + good.sig.slice(1) },
    ];
    for (const t of tampered) {
      const res = await post(t);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'LAUNCH_LINK_INVALID', message: expect.stringContaining('链接无效') });
      expect(cookieNames(res)).not.toContain('exam_sid');
    }
    expect(await prisma.session.count({ where: { candidateId: { in: [c.id, other.id] } } })).toBe(0);
    // the refusals are audited with the reason, never with the signature
    const refused = await auditRows('identity.launch_refused');
    const mine = refused.filter((r) => (r.details as { account?: string }).account === other.registrationNo);
    expect(mine[0]?.details).toEqual({ reason: 'BAD_SIGNATURE', kid: 'old1', account: other.registrationNo, examYear: year.code });
    expect(JSON.stringify(refused.map((r) => r.details))).not.toContain(good.sig);
    // the genuine link still works: a forged copy did not use up its nonce
    expect((await post(good)).status).toBe(200);
  });

  it('refuses an expired link and one valid for too long', async () => {
    const c = await addCandidate(true);
    const expired = await post(link(c.registrationNo, { expires: nowSeconds() - 120 }));
    expect(expired.status).toBe(410);
    expect(expired.body.error).toMatchObject({ code: 'LAUNCH_LINK_EXPIRED', message: expect.stringContaining('链接已过期') });
    const tooLong = await post(link(c.registrationNo, { expires: nowSeconds() + 3600 }));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toContain('有效期');
  });

  it('refuses a link with an unknown or retired key id', async () => {
    const c = await addCandidate(true);
    const unknown = await post(link(c.registrationNo, { kid: 'gone0' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'LAUNCH_LINK_UNKNOWN_KEY', message: expect.stringContaining('签名密钥未知') });
    // a deployment with only the new key: links of the old one are refused
    const rotated = makeApp({ keys: `new2:${KEY_NEW.toString('base64')}` });
    expect((await post(link(c.registrationNo), rotated)).body.error.code).toBe('LAUNCH_LINK_UNKNOWN_KEY');
    // and without any key every link is refused
    const none = makeApp({ keys: '' });
    expect((await post(link(c.registrationNo), none)).body.error.code).toBe('LAUNCH_LINK_UNKNOWN_KEY');
  });

  it('refuses a link for a 报名号 not in that exam year', async () => {
    const c = await addCandidate(true);
    const res = await post(link('X9999999', {}));
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'LAUNCH_LINK_NO_CANDIDATE', message: expect.stringContaining('未找到报名信息') });
    const otherYear = await post(link(c.registrationNo, { examYear: '1999' }));
    expect(otherYear.status).toBe(404);
  });

  it('answers malformed bodies with a Chinese 400, never a 500', async () => {
    const c = await addCandidate(true);
    const good = link(c.registrationNo);
    const bodies: object[] = [{}, { ...good, v: 2 }, { ...good, exp: 'x'.repeat(500) }, { ...good, nonce: 'short' }, { ...good, v: '9' }];
    for (const b of bodies) {
      const res = await post(b);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/链接无效/);
    }
    const notJson = await request(app).post('/api/identity/launch').set('Content-Type', 'application/json').send('{"v":');
    expect(notJson.status).toBe(400);
  });

  it('is throttled per address like the other auth routes', async () => {
    const strict = makeApp({ prefix: `${prefix}-strict`, throttle: { accountPoints: 3 } });
    const c = await addCandidate(true);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(link(c.registrationNo, { kid: 'nope' }), strict)).status);
    expect(statuses.slice(0, 3)).toEqual([400, 400, 400]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    const blocked = await post(link(c.registrationNo), strict);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.message).toContain('尝试次数过多');
  });
});
