import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import request, { type Response } from 'supertest';
import { Redis } from 'ioredis';
import type { Express } from 'express';
import { createPrismaClient, type PrismaClient } from '@exam/db';
import { createTestDatabase, testRedisPrefix, testRedisUrl, type TestDatabase } from '@exam/testing';
import { createLogger } from '@exam/http';
import { encryptIdNumber, hashIdNumber, hashPassword } from '@exam/auth';
import { buildIdentityApp } from './app.js';

const ID_ENC_KEY = randomBytes(32).toString('base64');
const ID_HASH_KEY = randomBytes(32).toString('base64');
const prefix = testRedisPrefix();
const redis = new Redis(testRedisUrl());
let db: TestDatabase;
let prisma: PrismaClient;
let app: Express;
let clockOffsetMs = 0;
let siteId: string;
let otherYearId: string;
let yearId: string;

const PASSWORD = 'secret123';

async function addCandidate(registrationNo: string, idNumber: string, opts: { password?: string; examYearId?: string; name?: string } = {}) {
  return prisma.candidate.create({
    data: {
      examYearId: opts.examYearId ?? yearId,
      siteId,
      registrationNo,
      name: opts.name ?? '张三',
      candidateType: 'GRADUATE',
      unitName: '天津市第一中心医院',
      idNumberEnc: encryptIdNumber(ID_ENC_KEY, idNumber),
      idNumberHash: hashIdNumber(ID_HASH_KEY, idNumber),
      passwordHash: opts.password ? await hashPassword(opts.password) : null,
      activatedAt: opts.password ? new Date() : null,
    },
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
  const year = (code: string, start: string) =>
    prisma.examYear.create({
      data: {
        code,
        name: `${code}年医师资格考试`,
        districtCode: '120000',
        districtName: '天津市',
        uploadStart: new Date(start),
        uploadEnd: new Date(new Date(start).getTime() + 13 * 86_400_000),
      },
    });
  yearId = (await year('2026', '2026-01-29T02:00:00Z')).id;
  otherYearId = (await year('2025', '2025-01-29T02:00:00Z')).id;
  siteId = (await prisma.examSite.create({ data: { districtCode: '120000', code: '01', name: '和平区考点' } })).id;
  app = buildIdentityApp({
    prisma,
    redis,
    logger: createLogger('identity-test', 'silent'),
    config: { QUEUE_PREFIX: prefix, ID_HASH_KEY, SESSION_IDLE_MINUTES: 30, SESSION_ABSOLUTE_HOURS: 12, COOKIE_SECURE: false },
    now: () => new Date(Date.now() + clockOffsetMs),
  });
});

beforeEach(() => {
  clockOffsetMs = 0;
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await prisma?.$disconnect();
  await db?.drop();
});

/** name -> { value, attributes } of the Set-Cookie headers of a response. */
function cookies(res: Response): Record<string, { value: string; attrs: string }> {
  const raw = res.headers['set-cookie'] as unknown as string[] | undefined;
  const out: Record<string, { value: string; attrs: string }> = {};
  for (const c of raw ?? []) {
    const [pair = '', ...attrs] = c.split(';').map((s) => s.trim());
    const i = pair.indexOf('=');
    out[pair.slice(0, i)] = { value: decodeURIComponent(pair.slice(i + 1)), attrs: attrs.join('; ') };
  }
  return out;
}

async function login(registrationNo: string, password = PASSWORD) {
  const res = await request(app).post('/api/identity/login').send({ kind: 'candidate', registrationNo, password });
  const c = cookies(res);
  return { res, sid: c['exam_sid']?.value ?? '', csrf: c['exam_csrf']?.value ?? '' };
}

describe('POST /api/identity/login', () => {
  it('logs a candidate in with an HttpOnly session cookie, and /me answers who it is', async () => {
    const cand = await addCandidate('L0001', '120101199001011234', { password: PASSWORD });
    const { res, sid, csrf } = await login('L0001');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: { id: cand.id, role: 'CANDIDATE', displayName: '张三', districtCode: '120000', siteId, siteName: '和平区考点' },
    });
    const c = cookies(res);
    expect(c['exam_sid']?.attrs).toMatch(/HttpOnly/);
    expect(c['exam_sid']?.attrs).toMatch(/SameSite=Lax/);
    expect(c['exam_sid']?.attrs).toMatch(/Path=\//);
    expect(c['exam_sid']?.attrs).not.toMatch(/Secure/);
    expect(c['exam_csrf']?.attrs).not.toMatch(/HttpOnly/);
    expect(sid).toMatch(/^[\w-]{43}$/);
    expect(csrf).toMatch(/^[\w-]{43}$/);

    const me = await request(app).get('/api/identity/me').set('cookie', `exam_sid=${sid}`);
    expect(me.status).toBe(200);
    expect(me.body).toEqual(res.body);
    expect(me.headers['cache-control']).toBe('no-store');

    const audit = await prisma.auditLog.findMany({ where: { action: 'identity.login', actorId: cand.id } });
    expect(audit).toHaveLength(1);
  });

  it('gives a new session on every login (rotation) and ends the one the browser had', async () => {
    await addCandidate('L0002', '120101199001012345', { password: PASSWORD });
    const first = await login('L0002');
    const second = await request(app)
      .post('/api/identity/login')
      .set('cookie', `exam_sid=${first.sid}; exam_csrf=${first.csrf}`)
      .set('x-csrf-token', first.csrf)
      .send({ kind: 'candidate', registrationNo: 'L0002', password: PASSWORD });
    expect(second.status).toBe(200);
    const sid2 = cookies(second)['exam_sid']?.value;
    expect(sid2).toBeTruthy();
    expect(sid2).not.toBe(first.sid);
    expect((await request(app).get('/api/identity/me').set('cookie', `exam_sid=${first.sid}`)).status).toBe(401);
    expect((await request(app).get('/api/identity/me').set('cookie', `exam_sid=${sid2}`)).status).toBe(200);
  });

  it('answers a wrong password and an unknown account with the same 401', async () => {
    await addCandidate('L0003', '120101199001013456', { password: PASSWORD });
    const wrong = await login('L0003', 'wrongpass1');
    const unknown = await login('NOSUCH01', 'wrongpass1');
    expect(wrong.res.status).toBe(401);
    expect(unknown.res.status).toBe(401);
    expect(wrong.res.body).toEqual({ error: { code: 'AUTH_FAILED', message: '账号或密码错误' } });
    expect(unknown.res.body).toEqual(wrong.res.body);
    expect(cookies(wrong.res)['exam_sid']).toBeUndefined();

    const staffUnknown = await request(app).post('/api/identity/login').send({ kind: 'staff', username: 'ghost', password: 'x' });
    expect(staffUnknown.status).toBe(401);
    expect(staffUnknown.body).toEqual(wrong.res.body);

    const failures = await prisma.auditLog.findMany({ where: { action: 'identity.login_failed' } });
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(failures, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('wrongpass1');
  });

  it('throttles the 6th attempt after 5 failures, even with the right password, and locks the account', async () => {
    const cand = await addCandidate('L0004', '120101199001014567', { password: PASSWORD });
    for (let i = 0; i < 5; i++) expect((await login('L0004', `bad${i}pass`)).res.status).toBe(401);
    const sixth = await login('L0004');
    expect(sixth.res.status).toBe(429);
    expect(sixth.res.body).toEqual({
      error: { code: 'LOGIN_THROTTLED', message: '登录失败次数过多，请 15 分钟后再试', details: { retryAfterMinutes: 15 } },
    });
    const row = await prisma.candidate.findUniqueOrThrow({ where: { id: cand.id } });
    expect(row.lockedUntil?.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);

    // The lock in the database holds even if the Redis counters are gone.
    const keys = await redis.keys(`${prefix}:login-throttle:acct:*`);
    if (keys.length) await redis.del(...keys);
    expect((await login('L0004')).res.status).toBe(429);
    clockOffsetMs = 16 * 60_000;
    expect((await login('L0004')).res.status).toBe(200);
  });

  it('asks a candidate who never activated to activate first', async () => {
    await addCandidate('L0005', '120101199001015678');
    const res = await login('L0005', 'whatever1');
    expect(res.res.status).toBe(409);
    expect(res.res.body).toEqual({ error: { code: 'NOT_ACTIVATED', message: '首次登录请先激活账号' } });
  });

  it('picks the candidate of the most recent exam year with that registration number', async () => {
    const old = await addCandidate('L0006', '120101199001016789', { password: 'oldpass11', examYearId: otherYearId, name: '旧年度' });
    const cur = await addCandidate('L0006', '120101199001016789', { password: PASSWORD, name: '本年度' });
    const res = await login('L0006');
    expect(res.res.status).toBe(200);
    expect(res.res.body.user.id).toBe(cur.id);
    expect(res.res.body.user.id).not.toBe(old.id);
  });

  it('logs staff in and refuses disabled staff', async () => {
    const u = await prisma.user.create({
      data: { username: 'site-a-1', displayName: '李审核', role: 'SITE_REVIEWER', districtCode: '120000', siteId, passwordHash: await hashPassword(PASSWORD) },
    });
    const ok = await request(app).post('/api/identity/login').send({ kind: 'staff', username: 'site-a-1', password: PASSWORD });
    expect(ok.status).toBe(200);
    expect(ok.body.user).toEqual({ id: u.id, username: 'site-a-1', role: 'SITE_REVIEWER', displayName: '李审核', districtCode: '120000', siteId, siteName: '和平区考点' });
    await prisma.user.update({ where: { id: u.id }, data: { disabledAt: new Date() } });
    const refused = await request(app).post('/api/identity/login').send({ kind: 'staff', username: 'site-a-1', password: PASSWORD });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('ACCOUNT_DISABLED');
    const sid = cookies(ok)['exam_sid']?.value;
    expect((await request(app).get('/api/identity/me').set('cookie', `exam_sid=${sid}`)).status).toBe(401);
  });

  it('answers an invalid body with a Chinese validation message', async () => {
    const res = await request(app).post('/api/identity/login').send({ kind: 'candidate', registrationNo: '', password: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: '请输入报名号' });
  });
});

describe('sessions over HTTP', () => {
  it('logout kills the session server-side (the old cookie gets 401) and clears the cookies', async () => {
    await addCandidate('S0001', '120101199001017890', { password: PASSWORD });
    const { sid, csrf } = await login('S0001');
    const out = await request(app)
      .post('/api/identity/logout')
      .set('cookie', `exam_sid=${sid}; exam_csrf=${csrf}`)
      .set('x-csrf-token', csrf);
    expect(out.status).toBe(204);
    const cleared = cookies(out);
    expect(cleared['exam_sid']?.value).toBe('');
    expect(cleared['exam_csrf']?.value).toBe('');
    const me = await request(app).get('/api/identity/me').set('cookie', `exam_sid=${sid}`);
    expect(me.status).toBe(401);
    expect(me.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: '请先登录' } });
  });

  it('refuses a write without the CSRF header (403) and keeps the session', async () => {
    await addCandidate('S0002', '120101199001018901', { password: PASSWORD });
    const { sid, csrf } = await login('S0002');
    const missing = await request(app).post('/api/identity/logout').set('cookie', `exam_sid=${sid}; exam_csrf=${csrf}`);
    expect(missing.status).toBe(403);
    expect(missing.body).toEqual({ error: { code: 'CSRF_FAILED', message: '页面已过期，请刷新后重试' } });
    const wrong = await request(app)
      .post('/api/identity/logout')
      .set('cookie', `exam_sid=${sid}; exam_csrf=${csrf}`)
      .set('x-csrf-token', 'A'.repeat(43));
    expect(wrong.status).toBe(403);
    expect((await request(app).get('/api/identity/me').set('cookie', `exam_sid=${sid}`)).status).toBe(200);
  });

  it('ends a session left idle longer than SESSION_IDLE_MINUTES', async () => {
    await addCandidate('S0003', '120101199001019012', { password: PASSWORD });
    const { sid } = await login('S0003');
    clockOffsetMs = 29 * 60_000;
    expect((await request(app).get('/api/identity/me').set('cookie', `exam_sid=${sid}`)).status).toBe(200);
    clockOffsetMs += 29 * 60_000; // used 29 minutes ago: still alive
    expect((await request(app).get('/api/identity/me').set('cookie', `exam_sid=${sid}`)).status).toBe(200);
    clockOffsetMs += 31 * 60_000;
    const me = await request(app).get('/api/identity/me').set('cookie', `exam_sid=${sid}`);
    expect(me.status).toBe(401);
    expect(cookies(me)['exam_sid']?.value).toBe(''); // the stale cookie is cleared
  });
});

describe('POST /api/identity/activate', () => {
  const body = (registrationNo: string, idNumber: string, password = 'newpass123') => ({
    registrationNo,
    idNumber,
    password,
    confirmPassword: password,
  });

  it('activates with the right ID number, logs in, and then the password works', async () => {
    const cand = await addCandidate('A0001', '12010119900101001X');
    const res = await request(app).post('/api/identity/activate').send(body('A0001', '12010119900101001x'));
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: cand.id, role: 'CANDIDATE' });
    const sid = cookies(res)['exam_sid']?.value;
    expect((await request(app).get('/api/identity/me').set('cookie', `exam_sid=${sid}`)).status).toBe(200);
    const row = await prisma.candidate.findUniqueOrThrow({ where: { id: cand.id } });
    expect(row.activatedAt).not.toBeNull();
    expect((await login('A0001', 'newpass123')).res.status).toBe(200);

    const again = await request(app).post('/api/identity/activate').send(body('A0001', '12010119900101001X', 'other1234'));
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: { code: 'ALREADY_ACTIVATED', message: '账号已激活，请直接登录' } });

    const audit = await prisma.auditLog.findMany({ where: { candidateId: cand.id } });
    expect(audit.map((a) => a.action)).toContain('identity.activate');
    expect(JSON.stringify(audit, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toMatch(/12010119900101001X|newpass123/i);
  });

  it('answers a wrong ID number and an unknown registration number alike, without activating', async () => {
    const cand = await addCandidate('A0002', '120101199001010021');
    const wrong = await request(app).post('/api/identity/activate').send(body('A0002', '120101199001010022'));
    const unknown = await request(app).post('/api/identity/activate').send(body('NOSUCH02', '120101199001010021'));
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ error: { code: 'ACTIVATION_FAILED', message: '报名号或身份证件号码不正确' } });
    expect(unknown.body).toEqual(wrong.body);
    expect(cookies(wrong)['exam_sid']).toBeUndefined();
    expect((await prisma.candidate.findUniqueOrThrow({ where: { id: cand.id } })).passwordHash).toBeNull();
    expect(await prisma.auditLog.count({ where: { action: 'identity.activate_failed', candidateId: cand.id } })).toBe(1);
  });

  it('is throttled like login', async () => {
    await addCandidate('A0003', '120101199001010031');
    for (let i = 0; i < 5; i++) {
      expect((await request(app).post('/api/identity/activate').send(body('A0003', `12010119900101999${i}`))).status).toBe(400);
    }
    const sixth = await request(app).post('/api/identity/activate').send(body('A0003', '120101199001010031'));
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe('LOGIN_THROTTLED');
  });

  it('requires a password of at least 8 characters with letters and digits, typed twice', async () => {
    await addCandidate('A0004', '120101199001010041');
    const weak = await request(app).post('/api/identity/activate').send(body('A0004', '120101199001010041', '12345678'));
    expect(weak.status).toBe(400);
    expect(weak.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: '密码至少 8 位，需同时包含字母和数字' });
    const mismatch = await request(app)
      .post('/api/identity/activate')
      .send({ registrationNo: 'A0004', idNumber: '120101199001010041', password: 'abcd1234', confirmPassword: 'abcd12345' });
    expect(mismatch.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: '两次输入的密码不一致' });
  });
});

describe('health', () => {
  it('is ready when Postgres and Redis answer', async () => {
    const res = await request(app).get('/api/identity/readyz');
    expect(res.body).toEqual({ status: 'ok', checks: { db: 'ok', redis: 'ok' } });
  });
});
