import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request, { type Response } from 'supertest';
import { Redis } from 'ioredis';
import type { Express } from 'express';
import { generate } from 'otplib';
import { createPrismaClient, type ExamSite, type PrismaClient, type User } from '@exam/db';
import {
  createTestDatabase,
  loginAs,
  seedSite,
  seedStaff,
  seedYear,
  testRedisPrefix,
  testRedisUrl,
  TEST_ID_HASH_KEY,
  type AuthHeaders,
  type TestDatabase,
} from '@exam/testing';
import { createLogger } from '@exam/http';
import { assertAcceptablePassword, hashPassword } from '@exam/auth';
import { FileSmsSender } from '@exam/notify';
import { createJobProducer, type JobProducer } from '@exam/queue';
import { buildIdentityApp } from './app.js';
import { generateOneTimePassword } from './admin-staff.service.js';

const prefix = testRedisPrefix();
const redis = new Redis(testRedisUrl());
let db: TestDatabase;
let prisma: PrismaClient;
let app: Express;
let smsDir: string;
let producer: JobProducer;
let site: ExamSite;
let otherSite: ExamSite;
let admin: User;
let adminAuth: AuthHeaders;
let otherAdmin: User;
let seq = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
  smsDir = await mkdtemp(join(tmpdir(), 'identity-admin-sms-'));
  producer = createJobProducer(redis, prefix);
  app = buildIdentityApp({
    prisma,
    redis,
    logger: createLogger('identity-admin-test', 'silent'),
    config: { QUEUE_PREFIX: prefix, ID_HASH_KEY: TEST_ID_HASH_KEY, SESSION_IDLE_MINUTES: 30, SESSION_ABSOLUTE_HOURS: 12, COOKIE_SECURE: false },
    sms: new FileSmsSender(smsDir),
    producer,
  });
  await seedYear(prisma);
  site = await seedSite(prisma, { name: '和平区考点' });
  otherSite = await seedSite(prisma, { districtCode: '13', name: '石家庄考点' });
  admin = await seedStaff(prisma, 'ADMIN');
  otherAdmin = await seedStaff(prisma, 'ADMIN', { districtCode: '13' });
  adminAuth = await loginAs(prisma, { role: 'ADMIN', userId: admin.id });
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

const asAdmin = (auth: AuthHeaders = adminAuth) => ({
  get: (path: string) => request(app).get(`/api/identity/admin${path}`).set(auth),
  post: (path: string, body: object = {}) => request(app).post(`/api/identity/admin${path}`).set(auth).send(body),
  patch: (path: string, body: object = {}) => request(app).patch(`/api/identity/admin${path}`).set(auth).send(body),
});

/** name=value pairs of the Set-Cookie headers of a response, as a Cookie header. */
function cookieHeader(res: Response, previous = ''): string {
  const jar = new Map(previous ? previous.split('; ').map((p) => p.split('=') as [string, string]) : []);
  for (const c of (res.headers['set-cookie'] as unknown as string[] | undefined) ?? []) {
    const pair = c.split(';')[0] ?? '';
    const i = pair.indexOf('=');
    const value = pair.slice(i + 1);
    if (value) jar.set(pair.slice(0, i), value);
    else jar.delete(pair.slice(0, i));
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

async function createReviewer(body: Record<string, unknown> = {}) {
  seq += 1;
  const res = await asAdmin().post('/staff', {
    role: 'SITE_REVIEWER',
    username: `reviewer${seq}p${process.pid}`,
    displayName: '王审核',
    siteId: site.id,
    ...body,
  });
  return res;
}

const me = (auth: AuthHeaders) => request(app).get('/api/identity/me').set(auth);

describe('one-time passwords', () => {
  it('are 3 groups of 4 unambiguous letters and digits and pass the password policy', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const p = generateOneTimePassword('reviewer1');
      expect(p).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{4}-[a-km-zA-HJ-NP-Z2-9]{4}-[a-km-zA-HJ-NP-Z2-9]{4}$/);
      expect(() => assertAcceptablePassword(p, { username: 'reviewer1' })).not.toThrow();
      seen.add(p);
    }
    expect(seen.size).toBe(300);
  });
});

describe('sites', () => {
  it('creates a site (code unique in the district, case-insensitively), renames it, lists only the own district', async () => {
    const created = await asAdmin().post('/sites', { code: 'HX01', name: ' 河西区考点 ' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: 'HX01', name: '河西区考点', reviewerCount: 0 });

    const dup = await asAdmin().post('/sites', { code: 'hx01', name: '另一个' });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'SITE_CODE_TAKEN', message: '考点代码「hx01」在本考区已存在，请换一个' });

    // the same code in another district is not taken
    const otherAuth = await loginAs(prisma, { role: 'ADMIN', userId: otherAdmin.id });
    expect((await asAdmin(otherAuth).post('/sites', { code: 'HX01', name: '别的考区' })).status).toBe(201);

    const renamed = await asAdmin().patch(`/sites/${created.body.id}`, { name: '河西区第一考点' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('河西区第一考点');

    const list = await asAdmin().get('/sites');
    expect(list.status).toBe(200);
    const names = list.body.sites.map((s: { name: string }) => s.name);
    expect(names).toContain('河西区第一考点');
    expect(names).toContain('和平区考点');
    expect(names).not.toContain('石家庄考点');
    expect(names).not.toContain('别的考区');

    const audits = await prisma.auditLog.findMany({ where: { targetId: created.body.id }, orderBy: { id: 'asc' } });
    expect(audits.map((a) => a.action)).toEqual(['admin.site_created', 'admin.site_renamed']);
    expect(audits[0]?.actorId).toBe(admin.id);
  });

  it('refuses bad input with specific Chinese 4xx errors, and another district\'s site with 404', async () => {
    const badCode = await asAdmin().post('/sites', { code: '和平 01', name: '考点' });
    expect(badCode.status).toBe(400);
    expect(badCode.body.error.message).toBe('考点代码为 1–16 位字母、数字、下划线或连字符');
    const noName = await asAdmin().post('/sites', { code: 'A1', name: '   ' });
    expect(noName.status).toBe(400);
    expect(noName.body.error.message).toBe('请输入考点名称');
    const longName = await asAdmin().patch(`/sites/${site.id}`, { name: '考'.repeat(65) });
    expect(longName.status).toBe(400);
    expect(longName.body.error.message).toBe('考点名称不能超过 64 个字');
    const badId = await asAdmin().patch('/sites/not-a-uuid', { name: '新名' });
    expect(badId.status).toBe(400);
    expect(badId.body.error.message).toBe('考点编号无效');
    const foreign = await asAdmin().patch(`/sites/${otherSite.id}`, { name: '改掉' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('NOT_FOUND');
    expect((await prisma.examSite.findUniqueOrThrow({ where: { id: otherSite.id } })).name).toBe('石家庄考点');
  });

  it('is for admins only: a reviewer gets 403, no session 401, no CSRF header 403', async () => {
    const reviewer = await seedStaff(prisma, 'DISTRICT_REVIEWER');
    const auth = await loginAs(prisma, { role: 'DISTRICT_REVIEWER', userId: reviewer.id });
    expect((await asAdmin(auth).get('/sites')).status).toBe(403);
    expect((await asAdmin(auth).post('/staff', { role: 'DISTRICT_REVIEWER', username: 'sneaky', displayName: 'x' })).status).toBe(403);
    expect((await request(app).get('/api/identity/admin/staff')).status).toBe(401);
    const { 'x-csrf-token': _csrf, ...cookieOnly } = adminAuth;
    const noCsrf = await request(app).post('/api/identity/admin/sites').set(cookieOnly).send({ code: 'Z9', name: '考点' });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('CSRF_FAILED');
  });
});

describe('staff accounts', () => {
  it('a new site reviewer gets a one-time password shown once; the first login enrols TOTP, then must change the password', async () => {
    const res = await createReviewer();
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const { account, oneTimePassword } = res.body as { account: { id: string; username: string }; oneTimePassword: string };
    expect(account).toMatchObject({ role: 'SITE_REVIEWER', siteId: site.id, siteName: '和平区考点', status: 'MUST_CHANGE_PASSWORD', totpEnrolled: false });
    const row = await prisma.user.findUniqueOrThrow({ where: { id: account.id } });
    expect(row).toMatchObject({ mustChangePassword: true, districtCode: '12', disabledAt: null });
    expect(row.passwordHash).not.toContain(oneTimePassword);
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: 'admin.staff_created', targetId: account.id } });
    expect(JSON.stringify(audit.details)).not.toContain(oneTimePassword);

    const first = await request(app).post('/api/identity/login').send({ kind: 'staff', username: account.username, password: oneTimePassword });
    expect(first.status).toBe(200);
    expect(first.body.step).toBe('TOTP_ENROLL');
    let jar = cookieHeader(first);
    const secret = first.body.enrollment.secret as string;
    const enrolled = await request(app)
      .post('/api/identity/login/totp-enroll')
      .set('cookie', jar)
      .send({ code: await generate({ secret }) });
    expect(enrolled.status).toBe(200);
    expect(enrolled.body).toMatchObject({ step: 'CHANGE_PASSWORD' });
    jar = cookieHeader(enrolled, jar);
    const same = await request(app).post('/api/identity/login/password').set('cookie', jar).send({ password: oneTimePassword, confirmPassword: oneTimePassword });
    expect(same.status).toBe(400);
    expect(same.body.error.message).toBe('新密码不能与管理员设置的临时密码相同');
    const changed = await request(app).post('/api/identity/login/password').set('cookie', jar).send({ password: 'Hexi2026review', confirmPassword: 'Hexi2026review' });
    expect(changed.status).toBe(200);
    expect(changed.body.user).toMatchObject({ id: account.id, role: 'SITE_REVIEWER', siteId: site.id });
    const list = await asAdmin().get(`/staff?siteId=${site.id}&role=SITE_REVIEWER`);
    expect(list.body.accounts.find((a: { id: string }) => a.id === account.id)).toMatchObject({ status: 'ACTIVE', totpEnrolled: true });
  });

  it('creates a district reviewer without a site; refuses a taken username, bad names, a foreign site, ADMIN as role', async () => {
    seq += 1;
    const username = `district${seq}p${process.pid}`;
    const ok = await asAdmin().post('/staff', { role: 'DISTRICT_REVIEWER', username, displayName: '赵考区', siteId: site.id });
    expect(ok.status).toBe(201);
    expect(ok.body.account).toMatchObject({ role: 'DISTRICT_REVIEWER', siteId: null, username });

    const taken = await asAdmin().post('/staff', { role: 'DISTRICT_REVIEWER', username, displayName: '别人' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toBe(`用户名「${username}」已被使用，请换一个`);

    const cases: [Record<string, unknown>, number, string][] = [
      [{ username: 'Ab' }, 400, '用户名为 3–32 位小写字母、数字、点、下划线或连字符，以字母开头'],
      [{ username: '1abc' }, 400, '用户名为 3–32 位小写字母、数字、点、下划线或连字符，以字母开头'],
      [{ username: 'wang li' }, 400, '用户名为 3–32 位小写字母、数字、点、下划线或连字符，以字母开头'],
      [{ displayName: '' }, 400, '请输入姓名'],
      [{ siteId: undefined }, 400, '请选择考点'],
      [{ siteId: 'x' }, 400, '请选择考点'],
      [{ siteId: otherSite.id }, 404, '考点不存在或无权访问'],
      [{ role: 'ADMIN' }, 400, '请选择角色：考点审核员或考区审核员'],
    ];
    for (const [body, status, message] of cases) {
      const res = await createReviewer(body);
      expect({ body, status: res.status, message: res.body.error?.message }).toEqual({ body, status, message });
    }
  });

  it('reset password: a new one-time password, the old cookie answers 401 at once, the old password stops working', async () => {
    const created = await createReviewer();
    const { id, username } = created.body.account as { id: string; username: string };
    await prisma.user.update({ where: { id }, data: { passwordHash: await hashPassword('OwnPass2026'), mustChangePassword: false } });
    const auth = await loginAs(prisma, { role: 'SITE_REVIEWER', userId: id });
    expect((await me(auth)).status).toBe(200);

    const reset = await asAdmin().post(`/staff/${id}/reset-password`);
    expect(reset.status).toBe(200);
    expect(reset.body.account).toMatchObject({ id, status: 'MUST_CHANGE_PASSWORD' });
    expect(reset.body.oneTimePassword).not.toBe(created.body.oneTimePassword);
    expect((await me(auth)).status).toBe(401);

    const old = await request(app).post('/api/identity/login').send({ kind: 'staff', username, password: 'OwnPass2026' });
    expect(old.status).toBe(401);
    const fresh = await request(app).post('/api/identity/login').send({ kind: 'staff', username, password: reset.body.oneTimePassword });
    expect(fresh.status).toBe(200);
    expect(fresh.body.step).toBe('TOTP_ENROLL');
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: 'admin.staff_password_reset', targetId: id } });
    expect(audit.details).toMatchObject({ sessionsEnded: 1 });
    expect(JSON.stringify(audit.details)).not.toContain(reset.body.oneTimePassword);
  });

  it('disable: the session store refuses the old cookie at once, login is refused; enable lets the account log in again', async () => {
    const created = await createReviewer();
    const { id, username } = created.body.account as { id: string; username: string };
    const auth = await loginAs(prisma, { role: 'SITE_REVIEWER', userId: id });
    expect((await me(auth)).status).toBe(200);

    const disabled = await asAdmin().post(`/staff/${id}/disable`);
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ account: { id, status: 'DISABLED' }, sessionsEnded: 1 });
    expect((await me(auth)).status).toBe(401);
    const sessions = await prisma.session.findMany({ where: { userId: id } });
    expect(sessions.every((s) => s.revokedAt !== null)).toBe(true);

    const login = await request(app).post('/api/identity/login').send({ kind: 'staff', username, password: created.body.oneTimePassword });
    expect(login.status).toBe(403);
    expect(login.body.error).toMatchObject({ code: 'ACCOUNT_DISABLED', message: '账号已停用，请联系管理员' });

    const list = await asAdmin().get('/staff?status=disabled');
    expect(list.body.accounts.map((a: { id: string }) => a.id)).toEqual([id]);

    const enabled = await asAdmin().post(`/staff/${id}/enable`);
    expect(enabled.status).toBe(200);
    expect(enabled.body.account.status).toBe('MUST_CHANGE_PASSWORD');
    expect((await me(auth)).status).toBe(401); // the ended session stays ended
    const again = await request(app).post('/api/identity/login').send({ kind: 'staff', username, password: created.body.oneTimePassword });
    expect(again.status).toBe(200);
    const actions = (await prisma.auditLog.findMany({ where: { targetId: id }, orderBy: { id: 'asc' } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['admin.staff_created', 'admin.staff_disabled', 'admin.staff_enabled']));
  });

  it('reset second factor: the authenticator and recovery codes are dropped, sessions end, the next login enrols again', async () => {
    const created = await createReviewer();
    const { id, username } = created.body.account as { id: string; username: string };
    const first = await request(app).post('/api/identity/login').send({ kind: 'staff', username, password: created.body.oneTimePassword });
    const enrolled = await request(app)
      .post('/api/identity/login/totp-enroll')
      .set('cookie', cookieHeader(first))
      .send({ code: await generate({ secret: first.body.enrollment.secret }) });
    expect(enrolled.status).toBe(200);
    expect(await prisma.recoveryCode.count({ where: { userId: id } })).toBe(10);
    const auth = await loginAs(prisma, { role: 'SITE_REVIEWER', userId: id });

    const reset = await asAdmin().post(`/staff/${id}/reset-totp`);
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ account: { id, totpEnrolled: false }, sessionsEnded: 1 });
    expect((await me(auth)).status).toBe(401);
    expect(await prisma.recoveryCode.count({ where: { userId: id } })).toBe(0);
    const next = await request(app).post('/api/identity/login').send({ kind: 'staff', username, password: created.body.oneTimePassword });
    expect(next.body.step).toBe('TOTP_ENROLL');
  });

  it('an admin cannot disable or reset their own account; another district\'s account is 404 for every action', async () => {
    const self = await asAdmin().post(`/staff/${admin.id}/disable`);
    expect(self.status).toBe(409);
    expect(self.body.error).toMatchObject({ code: 'SELF_ACTION_REFUSED', message: '不能停用自己的账号，请由其他管理员操作' });
    expect((await asAdmin().post(`/staff/${admin.id}/reset-password`)).status).toBe(409);
    expect((await me(adminAuth)).status).toBe(200);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: admin.id } })).disabledAt).toBeNull();
    const mine = (await asAdmin().get('/staff')).body.accounts.find((a: { id: string }) => a.id === admin.id);
    expect(mine).toMatchObject({ self: true, role: 'ADMIN' });

    const foreign = await seedStaff(prisma, 'SITE_REVIEWER', { districtCode: '13', siteId: otherSite.id });
    const foreignAuth = await loginAs(prisma, { role: 'SITE_REVIEWER', userId: foreign.id });
    for (const action of ['reset-password', 'reset-totp', 'disable', 'enable']) {
      const res = await asAdmin().post(`/staff/${foreign.id}/${action}`);
      expect({ action, status: res.status, message: res.body.error?.message }).toEqual({ action, status: 404, message: '账号不存在或无权访问' });
    }
    expect((await me(foreignAuth)).status).toBe(200);
    const row = await prisma.user.findUniqueOrThrow({ where: { id: foreign.id } });
    expect(row).toMatchObject({ disabledAt: null, mustChangePassword: false, passwordHash: 'x' });
    expect((await asAdmin().get('/staff')).body.accounts.map((a: { id: string }) => a.id)).not.toContain(foreign.id);
    expect((await asAdmin().get(`/staff?siteId=${otherSite.id}`)).status).toBe(404);

    const bad = await asAdmin().get('/staff?status=gone');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('状态参数无效');
    expect((await asAdmin().post('/staff/123/disable')).body.error.message).toBe('账号编号无效');
  });

  it('lists the exam years of the own district', async () => {
    const res = await asAdmin().get('/exam-years');
    expect(res.status).toBe(200);
    expect(res.body.years.length).toBe(1);
    expect(res.body.years[0]).toMatchObject({ name: '2026年医师资格考试' });
  });
});
