import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import request, { type Response } from 'supertest';
import { Redis } from 'ioredis';
import type { Express } from 'express';
import { generate } from 'otplib';
import { createPrismaClient, type ExamSite, type ExamYear, type PrismaClient } from '@exam/db';
import { createTestDatabase, seedCandidate, seedSite, seedYear, testRedisPrefix, testRedisUrl, TEST_ID_HASH_KEY, type TestDatabase } from '@exam/testing';
import { createLogger } from '@exam/http';
import { hashPassword, type AuthThrottleOptions } from '@exam/auth';
import { FileSmsSender } from '@exam/notify';
import { createJobProducer, type JobProducer } from '@exam/queue';
import { buildIdentityApp } from './app.js';

const prefix = testRedisPrefix();
const redis = new Redis(testRedisUrl());
let db: TestDatabase;
let prisma: PrismaClient;
let app: Express;
let smsDir: string;
let producer: JobProducer;
let clockOffsetMs = 0;
let year: ExamYear;
let oldYear: ExamYear;
let site: ExamSite;
let seq = 0;

const PASSWORD = 'secret123';
const now = () => new Date(Date.now() + clockOffsetMs);

function makeApp(opts: { secure?: boolean; throttle?: Partial<AuthThrottleOptions>; prefix?: string } = {}): Express {
  return buildIdentityApp({
    prisma,
    redis,
    logger: createLogger('identity-test', 'silent'),
    config: {
      QUEUE_PREFIX: opts.prefix ?? prefix,
      ID_HASH_KEY: TEST_ID_HASH_KEY,
      SESSION_IDLE_MINUTES: 30,
      SESSION_ABSOLUTE_HOURS: 12,
      COOKIE_SECURE: opts.secure ?? false,
    },
    sms: new FileSmsSender(smsDir),
    producer,
    now,
    ...(opts.throttle ? { throttle: opts.throttle } : {}),
  });
}

/** A candidate with a unique 报名号 and ID number; activated (with PASSWORD) unless `activated: false`. */
async function addCandidate(opts: { activated?: boolean; phone?: string | null; examYear?: ExamYear; name?: string; registrationNo?: string; idNumber?: string } = {}) {
  seq += 1;
  const registrationNo = opts.registrationNo ?? `T${String(seq).padStart(5, '0')}${process.pid % 1000}`;
  const idNumber = opts.idNumber ?? `1201011990${String(seq).padStart(4, '0')}12${seq % 10}`.slice(0, 17) + 'X';
  const c = await seedCandidate(prisma, opts.examYear ?? year, site, {
    registrationNo,
    idNumber,
    name: opts.name ?? '张三',
    phone: opts.phone === undefined ? `1390000${String(seq).padStart(4, '0')}` : opts.phone,
  });
  const activated = opts.activated ?? true;
  await prisma.candidate.update({
    where: { id: c.id },
    data: { passwordHash: activated ? await hashPassword(PASSWORD) : null, activatedAt: activated ? new Date() : null },
  });
  return { ...c, registrationNo, idNumber };
}

async function addStaff(opts: { mustChangePassword?: boolean } = {}) {
  seq += 1;
  return prisma.user.create({
    data: {
      username: `staff-${seq}-${process.pid}`,
      displayName: '李审核',
      role: 'SITE_REVIEWER',
      districtCode: '12',
      siteId: site.id,
      passwordHash: await hashPassword(PASSWORD),
      mustChangePassword: opts.mustChangePassword ?? false,
    },
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
  smsDir = await mkdtemp(join(tmpdir(), 'identity-sms-'));
  producer = createJobProducer(redis, prefix);
  year = await seedYear(prisma);
  oldYear = await seedYear(prisma, { uploadStart: new Date('2025-01-29T02:00:00Z'), uploadEnd: new Date('2025-02-11T16:00:00Z') });
  site = await seedSite(prisma);
  app = makeApp();
});

beforeEach(() => {
  clockOffsetMs = 0;
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
const cookieHeader = (res: Response) =>
  Object.entries(cookies(res))
    .filter(([, v]) => v.value)
    .map(([k, v]) => `${k}=${v.value}`)
    .join('; ');

async function login(registrationNo: string, password = PASSWORD, opts: { ip?: string; cookie?: string; csrf?: string; on?: Express } = {}) {
  let r = request(opts.on ?? app).post('/api/identity/login');
  if (opts.ip) r = r.set('x-forwarded-for', opts.ip);
  if (opts.cookie) r = r.set('cookie', opts.cookie);
  if (opts.csrf) r = r.set('x-csrf-token', opts.csrf);
  const res = await r.send({ kind: 'candidate', registrationNo, password });
  const c = cookies(res);
  return { res, sid: c['exam_sid']?.value ?? '', csrf: c['exam_csrf']?.value ?? '', device: c['exam_dev']?.value ?? '' };
}

/** The codes the development SMS sink "sent" to `phone`, newest last. */
async function smsCodes(phone: string): Promise<string[]> {
  const text = await readFile(join(smsDir, 'sms.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { to: string; templateCode: string; params: { code?: string }; text: string })
    .filter((m) => m.to === phone && m.templateCode === 'ACCOUNT_CODE')
    .map((m) => m.params.code ?? '');
}

describe('login', () => {
  it('logs a candidate in with browser-session cookies (no Expires) and /me answers who it is', async () => {
    const cand = await addCandidate();
    const { res, sid, csrf } = await login(cand.registrationNo);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: { id: cand.id, role: 'CANDIDATE', displayName: '张三', districtCode: year.districtCode, siteId: site.id, siteName: site.name },
    });
    const c = cookies(res);
    expect(c['exam_sid']?.attrs).toMatch(/HttpOnly/);
    expect(c['exam_sid']?.attrs).toMatch(/SameSite=Lax/);
    expect(c['exam_sid']?.attrs).not.toMatch(/Expires|Max-Age/i);
    expect(c['exam_csrf']?.attrs).not.toMatch(/HttpOnly|Expires|Max-Age/i);
    expect(c['exam_dev']?.attrs).toMatch(/HttpOnly/); // the device-trust cookie
    expect(sid).toMatch(/^[\w-]{43}$/);
    expect(csrf).toMatch(/^[\w-]{43}$/);
    const me = await request(app).get('/api/identity/me').set('cookie', `exam_sid=${sid}`);
    expect(me.status).toBe(200);
    expect(me.body).toEqual(res.body);
    expect(await prisma.auditLog.count({ where: { action: 'identity.login', actorId: cand.id } })).toBe(1);
  });

  it('with COOKIE_SECURE the cookies are __Host- prefixed, Secure, Path=/ and session-only', async () => {
    const cand = await addCandidate();
    const { res } = await login(cand.registrationNo, PASSWORD, { on: makeApp({ secure: true }) });
    expect(res.status).toBe(200);
    const c = cookies(res);
    for (const name of ['__Host-exam_sid', '__Host-exam_csrf']) {
      expect(c[name]?.attrs).toMatch(/Secure/);
      expect(c[name]?.attrs).toMatch(/Path=\//);
      expect(c[name]?.attrs).not.toMatch(/Domain|Expires|Max-Age/i);
    }
    expect(c['exam_sid']).toBeUndefined();
  });

  it('gives a new session on every login (rotation) and ends the one the browser had', async () => {
    const cand = await addCandidate();
    const first = await login(cand.registrationNo);
    const second = await login(cand.registrationNo, PASSWORD, { cookie: `exam_sid=${first.sid}; exam_csrf=${first.csrf}`, csrf: first.csrf });
    expect(second.res.status).toBe(200);
    expect(second.sid).not.toBe(first.sid);
    expect((await request(app).get('/api/identity/me').set('cookie', `exam_sid=${first.sid}`)).status).toBe(401);
    expect((await request(app).get('/api/identity/me').set('cookie', `exam_sid=${second.sid}`)).status).toBe(200);
  });

  it('answers an unknown account, a wrong password and a not-yet-activated account the same way, each after a password hash', async () => {
    const active = await addCandidate();
    const inactive = await addCandidate({ activated: false });
    const timed = async (regNo: string) => {
      const t0 = performance.now();
      const r = await login(regNo, 'wrongpass1', { ip: `10.9.${seq}.1` });
      return { r, ms: performance.now() - t0 };
    };
    const wrong = await timed(active.registrationNo);
    const unknown = await timed('NOSUCH01');
    const notActivated = await timed(inactive.registrationNo);
    const expected = { error: { code: 'AUTH_FAILED', message: '报名号或密码错误。首次登录请先激活账号' } };
    for (const x of [wrong, unknown, notActivated]) {
      expect(x.r.res.status).toBe(401);
      expect(x.r.res.body).toEqual(expected);
      expect(x.r.res.headers['set-cookie']).toBeUndefined();
      // every path spends one scrypt verification (~100 ms here): an unknown account is not answered faster
      expect(x.ms).toBeGreaterThan(40);
    }
    const staffUnknown = await request(app).post('/api/identity/login').send({ kind: 'staff', username: 'ghost', password: 'x' });
    expect(staffUnknown.body).toEqual({ error: { code: 'AUTH_FAILED', message: '用户名或密码错误' } });
    const failures = await prisma.auditLog.findMany({ where: { action: 'identity.login_failed' } });
    expect(JSON.stringify(failures, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('wrongpass1');
  });

  it('150 concurrent wrong passwords (the right one among them): at most 5 evaluated, the rest refused unevaluated', async () => {
    const cand = await addCandidate();
    const guesses = Array.from({ length: 150 }, (_, i) => (i === 75 ? PASSWORD : `guess${i}pass`));
    const results = await Promise.all(guesses.map((g, i) => login(cand.registrationNo, g, { ip: `10.150.${i}.7` })));
    const statuses = results.map((r) => r.res.status);
    const evaluated = statuses.filter((s) => s !== 429).length;
    expect(evaluated).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(145);
    const failedAudits = await prisma.auditLog.count({ where: { action: 'identity.login_failed', actorId: cand.id } });
    expect(failedAudits).toBeLessThanOrEqual(5);
  });

  it('after the free attempts each block of the same account is longer (growing delays), and admins are alerted', async () => {
    const fast = makeApp({ prefix: `${prefix}:grow`, throttle: { accountPoints: 2, accountWindowSeconds: 1, firstBlockSeconds: 1, maxBlockSeconds: 8 } });
    const cand = await addCandidate();
    const attempt = () => login(cand.registrationNo, 'wrongpass1', { on: fast, ip: '10.20.0.1' });
    expect((await attempt()).res.status).toBe(401);
    expect((await attempt()).res.status).toBe(401);
    const first = await attempt();
    expect(first.res.status).toBe(429);
    expect(first.res.body.error.details).toEqual({ retryAfterSeconds: 1 });
    expect(first.res.body.error.message).toBe('尝试次数过多，请 1 秒后再试');
    await new Promise((r) => setTimeout(r, 1100));
    expect((await attempt()).res.status).toBe(401);
    expect((await attempt()).res.status).toBe(401);
    const second = await attempt();
    expect(second.res.status).toBe(429);
    expect(second.res.body.error.details.retryAfterSeconds).toBe(2);
    const alerts = await prisma.auditLog.findMany({ where: { action: 'security.alert' } });
    const blocks = alerts.filter((a) => (a.details as { kind?: string }).kind === 'ACCOUNT_BLOCKED');
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(blocks.map((b) => b.details))).not.toContain('wrongpass1');
    // each alert is also queued for the operators' mail (the notify worker sends it)
    const queued = await producer.queue('notify').getJob(`notify.security-alert__${blocks[0]!.id}`);
    expect(queued?.data).toEqual({ auditId: String(blocks[0]!.id) });
  });

  it("a stranger's failures do not lock the owner out of their usual device", async () => {
    const cand = await addCandidate();
    const owner = await login(cand.registrationNo, PASSWORD, { ip: '10.30.0.1' });
    expect(owner.res.status).toBe(200);
    for (let i = 0; i < 6; i++) await login(cand.registrationNo, `stranger${i}x`, { ip: `10.31.${i}.9` });
    // from the attacker's side (or any new browser) the account is blocked …
    expect((await login(cand.registrationNo, PASSWORD, { ip: '10.32.0.1' })).res.status).toBe(429);
    // … but the owner's phone, with its device cookie, still gets in with the right password
    const again = await login(cand.registrationNo, PASSWORD, { ip: '10.30.0.1', cookie: `exam_dev=${owner.device}` });
    expect(again.res.status).toBe(200);
    // a forged device cookie is worthless
    const forged = await login(cand.registrationNo, PASSWORD, { ip: '10.32.0.2', cookie: `exam_dev=${owner.device.slice(0, -2)}xx` });
    expect(forged.res.status).toBe(429);
  });

  it('counts per client IP and per /24 network, whichever accounts are tried', async () => {
    const limited = makeApp({ prefix: `${prefix}:net`, throttle: { ipPoints: 3, netPoints: 5 } });
    const tries = async (ip: string, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await login(`NOSUCH${ip}${i}`, 'wrongpass1', { on: limited, ip })).res.status);
      return out;
    };
    expect(await tries('10.40.1.1', 4)).toEqual([401, 401, 401, 429]);
    // another address of the same /24: two tries left in the network
    expect(await tries('10.40.1.2', 3)).toEqual([401, 401, 429]);
    // another network is not affected
    expect(await tries('10.40.2.1', 1)).toEqual([401]);
    const alerts = await prisma.auditLog.findMany({ where: { action: 'security.alert' } });
    const kinds = alerts.map((a) => (a.details as { kind?: string }).kind);
    expect(kinds).toContain('IP_THROTTLED');
    expect(kinds).toContain('NETWORK_THROTTLED');
  });

  it('picks the candidate of the most recent exam year with that registration number', async () => {
    const old = await addCandidate({ examYear: oldYear, name: '旧年度', registrationNo: 'SAME0001', idNumber: '120101199001016789' });
    await prisma.candidate.update({ where: { id: old.id }, data: { passwordHash: await hashPassword('oldpass11') } });
    const cur = await addCandidate({ name: '本年度', registrationNo: 'SAME0001', idNumber: '120101199001016789' });
    const res = await login('SAME0001');
    expect(res.res.status).toBe(200);
    expect(res.res.body.user.id).toBe(cur.id);
  });

  it('answers an invalid body with a Chinese validation message', async () => {
    const res = await request(app).post('/api/identity/login').send({ kind: 'candidate', registrationNo: '', password: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: '请输入报名号' });
  });
});

describe('staff second factor (TOTP)', () => {
  const staffLogin = (username: string, password = PASSWORD, cookie?: string) => {
    const r = request(app).post('/api/identity/login');
    return (cookie ? r.set('cookie', cookie) : r).send({ kind: 'staff', username, password });
  };
  const code = (secret: string, offsetSeconds = 0) => generate({ secret, epoch: Math.floor(now().getTime() / 1000) + offsetSeconds });

  async function enrol(username: string) {
    const first = await staffLogin(username);
    expect(first.status).toBe(200);
    expect(first.body.step).toBe('TOTP_ENROLL');
    const secret = first.body.enrollment.secret as string;
    const enrolled = await request(app)
      .post('/api/identity/login/totp-enroll')
      .set('cookie', cookieHeader(first))
      .send({ code: await code(secret) });
    return { first, secret, enrolled };
  }

  it('first login: the right password gives no session but an enrolment step; the first code enrols and answers 10 recovery codes', async () => {
    const u = await addStaff();
    const { first, secret, enrolled } = await enrol(u.username);
    expect(cookies(first)['exam_sid']).toBeUndefined();
    expect(cookies(first)['exam_pending']?.attrs).toMatch(/HttpOnly/);
    expect(first.body.enrollment.otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(enrolled.status).toBe(200);
    expect(enrolled.body.user).toMatchObject({ id: u.id, role: 'SITE_REVIEWER' });
    expect(enrolled.body.recoveryCodes).toHaveLength(10);
    expect(cookies(enrolled)['exam_sid']?.value).toMatch(/^[\w-]{43}$/);
    const row = await prisma.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(row.totpEnabledAt).not.toBeNull();
    expect(Buffer.from(row.totpSecretEnc ?? []).toString('latin1')).not.toContain(secret); // sealed at rest
  });

  it('later logins need the current code; a wrong code, a replayed code and no pending login are refused', async () => {
    const u = await addStaff();
    const { secret } = await enrol(u.username);
    const pw = await staffLogin(u.username);
    expect(pw.body).toEqual({ step: 'TOTP' });
    const jar = cookieHeader(pw);
    const wrong = await request(app).post('/api/identity/login/totp').set('cookie', jar).send({ code: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('TOTP_INVALID');
    // the step used at enrolment cannot be used again …
    const replay = await request(app).post('/api/identity/login/totp').set('cookie', jar).send({ code: await code(secret) });
    expect(replay.status).toBe(401);
    // … the next one can
    const ok = await request(app).post('/api/identity/login/totp').set('cookie', jar).send({ code: await code(secret, 30) });
    expect(ok.status).toBe(200);
    expect(ok.body.user.id).toBe(u.id);
    const noPending = await request(app).post('/api/identity/login/totp').send({ code: await code(secret, 30) });
    expect(noPending.status).toBe(401);
    expect(noPending.body.error.code).toBe('LOGIN_EXPIRED');
  });

  it('a recovery code works once instead of the authenticator', async () => {
    const u = await addStaff();
    const { enrolled } = await enrol(u.username);
    const recovery = (enrolled.body.recoveryCodes as string[])[3] as string;
    const use = async () => {
      const pw = await staffLogin(u.username);
      return request(app).post('/api/identity/login/totp').set('cookie', cookieHeader(pw)).send({ recoveryCode: recovery.toLowerCase() });
    };
    expect((await use()).status).toBe(200);
    const second = await use();
    expect(second.status).toBe(401);
    expect(second.body.error.message).toBe('恢复码不正确或已使用');
    expect(await prisma.auditLog.count({ where: { action: 'identity.recovery_code_used', actorId: u.id } })).toBe(1);
  });

  it('an account whose password an admin reset must choose a new one after the second factor', async () => {
    const u = await addStaff({ mustChangePassword: true });
    const { first, enrolled } = await enrol(u.username);
    expect(enrolled.body.step).toBe('CHANGE_PASSWORD');
    expect(cookies(enrolled)['exam_sid']).toBeUndefined();
    const jar = cookieHeader(first); // the same pending login moves on to its next step
    const same = await request(app).post('/api/identity/login/password').set('cookie', jar).send({ password: PASSWORD, confirmPassword: PASSWORD });
    expect(same.status).toBe(400);
    const done = await request(app).post('/api/identity/login/password').set('cookie', jar).send({ password: 'Kq7vN2mw', confirmPassword: 'Kq7vN2mw' });
    expect(done.status).toBe(200);
    expect(done.body.user.id).toBe(u.id);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: u.id } })).mustChangePassword).toBe(false);
  });

  it('a disabled account is refused after the right password, and a wrong password says nothing about it', async () => {
    const u = await addStaff();
    await prisma.user.update({ where: { id: u.id }, data: { disabledAt: new Date() } });
    const wrong = await staffLogin(u.username, 'wrongpass1');
    expect(wrong.body.error.code).toBe('AUTH_FAILED');
    const right = await staffLogin(u.username);
    expect(right.status).toBe(403);
    expect(right.body.error.code).toBe('ACCOUNT_DISABLED');
  });
});

describe('activation proves possession of the phone on file', () => {
  const askCode = (registrationNo: string, idNumber: string, path = '/api/identity/activate/code') =>
    request(app).post(path).send({ registrationNo, idNumber });
  const activate = (body: Record<string, string>, path = '/api/identity/activate') =>
    request(app)
      .post(path)
      .send({ password: 'Zx9k2mQa', confirmPassword: 'Zx9k2mQa', ...body });

  it('texts a 6-digit code to the phone on file; with it the account activates and logs in', async () => {
    const cand = await addCandidate({ activated: false });
    const sent = await askCode(cand.registrationNo, cand.idNumber.toLowerCase());
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ phone: `${cand.phone!.slice(0, 3)}****${cand.phone!.slice(-4)}`, expiresInSeconds: 300, resendInSeconds: 60 });
    const [code] = (await smsCodes(cand.phone!)).slice(-1);
    expect(code).toMatch(/^\d{6}$/);
    const stored = await prisma.verificationCode.findFirstOrThrow({ where: { candidateId: cand.id } });
    expect(stored.codeHash).not.toContain(code); // hashed
    const res = await activate({ registrationNo: cand.registrationNo, idNumber: cand.idNumber, code: code! });
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(cand.id);
    expect((await login(cand.registrationNo, 'Zx9k2mQa')).res.status).toBe(200);
    const audit = await prisma.auditLog.findMany({ where: { candidateId: cand.id } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['identity.code_sent', 'identity.activate']));
    expect(JSON.stringify(audit, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(code);
  });

  it('the registration number and ID number alone no longer activate someone else’s account', async () => {
    const cand = await addCandidate({ activated: false });
    const noCode = await activate({ registrationNo: cand.registrationNo, idNumber: cand.idNumber, code: '123456' });
    expect(noCode.status).toBe(400);
    expect(noCode.body.error.code).toBe('CODE_INVALID');
    expect((await prisma.candidate.findUniqueOrThrow({ where: { id: cand.id } })).passwordHash).toBeNull();
  });

  it('a code dies after 5 wrong tries and after 5 minutes', async () => {
    const cand = await addCandidate({ activated: false });
    await askCode(cand.registrationNo, cand.idNumber);
    const [code] = (await smsCodes(cand.phone!)).slice(-1);
    const wrongCode = code === '000000' ? '111111' : '000000';
    // the code's own 5 tries run out before the account's throttle (5 in 15 minutes) would refuse them
    for (let i = 0; i < 5; i++) await activate({ registrationNo: cand.registrationNo, idNumber: cand.idNumber, code: wrongCode });
    const row = await prisma.verificationCode.findFirstOrThrow({ where: { candidateId: cand.id } });
    expect(row.attempts).toBe(5);
    await redis.del(...(await redis.keys(`${prefix}:auth:*`)));
    const late = await activate({ registrationNo: cand.registrationNo, idNumber: cand.idNumber, code: code! });
    expect(late.body.error.code).toBe('CODE_INVALID');

    const other = await addCandidate({ activated: false });
    await askCode(other.registrationNo, other.idNumber);
    const [code2] = (await smsCodes(other.phone!)).slice(-1);
    clockOffsetMs = 301_000;
    const expired = await activate({ registrationNo: other.registrationNo, idNumber: other.idNumber, code: code2! });
    expect(expired.body.error.code).toBe('CODE_INVALID');
  });

  it('a new code may be asked for after a minute; the earlier code stops working', async () => {
    const cand = await addCandidate({ activated: false });
    expect((await askCode(cand.registrationNo, cand.idNumber)).status).toBe(200);
    const again = await askCode(cand.registrationNo, cand.idNumber);
    expect(again.status).toBe(429);
    expect(again.body.error.code).toBe('CODE_THROTTLED');
    expect(again.body.error.details.retryAfterSeconds).toBeGreaterThan(50);
    const [first] = (await smsCodes(cand.phone!)).slice(-1);
    await redis.del(...(await redis.keys(`${prefix}:sms-code:min:*`)));
    expect((await askCode(cand.registrationNo, cand.idNumber)).status).toBe(200);
    const [second] = (await smsCodes(cand.phone!)).slice(-1);
    if (first !== second) {
      const old = await activate({ registrationNo: cand.registrationNo, idNumber: cand.idNumber, code: first! });
      expect(old.body.error.code).toBe('CODE_INVALID');
    }
    expect((await activate({ registrationNo: cand.registrationNo, idNumber: cand.idNumber, code: second! })).status).toBe(200);
  });

  it('answers a wrong ID number and an unknown registration number alike; an active account is told to log in', async () => {
    const cand = await addCandidate({ activated: false });
    const wrong = await askCode(cand.registrationNo, '110101199001010022');
    const unknown = await askCode('NOSUCH02', cand.idNumber);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ error: { code: 'ACTIVATION_FAILED', message: '报名号或身份证件号码不正确' } });
    expect(unknown.body).toEqual(wrong.body);
    const active = await addCandidate();
    const told = await askCode(active.registrationNo, active.idNumber);
    expect(told.status).toBe(409);
    expect(told.body.error.code).toBe('ALREADY_ACTIVATED');
    const noPhone = await addCandidate({ activated: false, phone: null });
    expect((await askCode(noPhone.registrationNo, noPhone.idNumber)).body.error.code).toBe('NO_PHONE');
  });

  it('refuses common passwords and ones built from the 报名号 or the ID number, without using up the code', async () => {
    const cand = await addCandidate({ activated: false });
    await askCode(cand.registrationNo, cand.idNumber);
    const [code] = (await smsCodes(cand.phone!)).slice(-1);
    const base = { registrationNo: cand.registrationNo, idNumber: cand.idNumber, code: code! };
    const weak = async (password: string) => (await activate({ ...base, password, confirmPassword: password })).body.error;
    expect(await weak('password1')).toMatchObject({ code: 'PASSWORD_WEAK', message: '该密码过于常见，容易被猜中，请换一个' });
    expect(await weak('woaini1314')).toMatchObject({ code: 'PASSWORD_WEAK' });
    expect(await weak(`a${cand.registrationNo}`)).toMatchObject({ code: 'PASSWORD_WEAK', message: '密码不能包含报名号或用户名' });
    expect(await weak(`ab${cand.idNumber.slice(6, 14)}`)).toMatchObject({ code: 'PASSWORD_WEAK' }); // the birth date
    expect(await weak('abc1234')).toMatchObject({ code: 'VALIDATION_FAILED' }); // 7 characters
    expect((await activate(base)).status).toBe(200);
  });
});

describe('password reset by SMS', () => {
  it('a candidate who forgot the password resets it with a code; the old password and old sessions stop working', async () => {
    const cand = await addCandidate();
    const old = await login(cand.registrationNo);
    const sent = await request(app).post('/api/identity/password-reset/code').send({ registrationNo: cand.registrationNo, idNumber: cand.idNumber });
    expect(sent.status).toBe(200);
    const [code] = (await smsCodes(cand.phone!)).slice(-1);
    const res = await request(app)
      .post('/api/identity/password-reset')
      .send({ registrationNo: cand.registrationNo, idNumber: cand.idNumber, code, password: 'Nw4hT8qz', confirmPassword: 'Nw4hT8qz' });
    expect(res.status).toBe(200);
    expect((await request(app).get('/api/identity/me').set('cookie', `exam_sid=${old.sid}`)).status).toBe(401);
    expect((await login(cand.registrationNo, PASSWORD, { ip: '10.60.0.1' })).res.status).toBe(401);
    expect((await login(cand.registrationNo, 'Nw4hT8qz', { ip: '10.60.0.2' })).res.status).toBe(200);
  });

  it('an account never activated is sent to activation', async () => {
    const cand = await addCandidate({ activated: false });
    const res = await request(app).post('/api/identity/password-reset/code').send({ registrationNo: cand.registrationNo, idNumber: cand.idNumber });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('NOT_ACTIVATED');
  });
});

describe('sessions over HTTP', () => {
  it('logout kills the session server-side (the old cookie gets 401) and clears the cookies', async () => {
    const cand = await addCandidate();
    const { sid, csrf } = await login(cand.registrationNo);
    const out = await request(app).post('/api/identity/logout').set('cookie', `exam_sid=${sid}; exam_csrf=${csrf}`).set('x-csrf-token', csrf);
    expect(out.status).toBe(204);
    expect(cookies(out)['exam_sid']?.value).toBe('');
    const me = await request(app).get('/api/identity/me').set('cookie', `exam_sid=${sid}`);
    expect(me.status).toBe(401);
    expect(me.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: '请先登录' } });
  });

  it('refuses a write without the CSRF header (403) and keeps the session', async () => {
    const cand = await addCandidate();
    const { sid, csrf } = await login(cand.registrationNo);
    const missing = await request(app).post('/api/identity/logout').set('cookie', `exam_sid=${sid}; exam_csrf=${csrf}`);
    expect(missing.status).toBe(403);
    expect(missing.body).toEqual({ error: { code: 'CSRF_FAILED', message: '页面已过期，请刷新后重试' } });
    expect((await request(app).get('/api/identity/me').set('cookie', `exam_sid=${sid}`)).status).toBe(200);
  });

  it('ends a session left idle longer than SESSION_IDLE_MINUTES', async () => {
    const cand = await addCandidate();
    const { sid } = await login(cand.registrationNo);
    clockOffsetMs = 29 * 60_000;
    expect((await request(app).get('/api/identity/me').set('cookie', `exam_sid=${sid}`)).status).toBe(200);
    clockOffsetMs += 31 * 60_000;
    const me = await request(app).get('/api/identity/me').set('cookie', `exam_sid=${sid}`);
    expect(me.status).toBe(401);
    expect(cookies(me)['exam_sid']?.value).toBe('');
  });
});

describe('health', () => {
  it('is ready when Postgres and Redis answer', async () => {
    const res = await request(app).get('/api/identity/readyz');
    expect(res.body).toEqual({ status: 'ok', checks: { db: 'ok', redis: 'ok' } });
  });
});
