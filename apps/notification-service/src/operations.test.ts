// 运维 over real Postgres and Redis/BullMQ: the read-only bull-board dashboard and the district's audit-log search.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createPrismaClient, type Prisma } from '@exam/db';
import { createLogger } from '@exam/http';
import type { AuditEntry } from '@exam/auth';
import type { AuditLogItem, AuditSearchResponse } from '@exam/api';
import { QUEUE_NAMES, createJobProducer, createRedisConnection } from '@exam/queue';
import { createTestDatabase, loginAs, seedCandidate, seedSite, seedStaff, seedYear, testRedisPrefix, testRedisUrl, type AuthHeaders } from '@exam/testing';
import { buildNotificationApp } from './app.js';
import { BULL_BOARD_CSP } from './operations.routes.js';
import { REDACTED, decodeAuditCursor, encodeAuditCursor, redactAuditDetails } from './audit-search.rules.js';

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

afterAll(async () => {
  for (const q of QUEUE_NAMES) await producer.queue(q).obliterate({ force: true });
  await producer.close();
  await redis.quit();
  await prisma.$disconnect();
  await db.drop();
});

const h = {} as Record<'admin' | 'otherAdmin' | 'reviewer' | 'candidate', AuthHeaders>;
const people = {} as {
  cand: { id: string; registrationNo: string };
  cand2: { id: string; registrationNo: string };
  outsider: { id: string; registrationNo: string };
  reviewer: { id: string; username: string; displayName: string };
  otherReviewer: { id: string; username: string };
};
const base = new Date('2026-03-01T08:00:00.000Z');
const minutes = (n: number) => new Date(base.getTime() + n * 60_000);

/** One audit row at a fixed time (inserted as is: the rows also stand for rows written before writeAudit sanitised). */
async function audit(at: Date, entry: AuditEntry): Promise<void> {
  await prisma.auditLog.create({
    data: {
      at,
      actorType: entry.actorType,
      actorId: entry.actorId ?? null,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      candidateId: entry.candidateId ?? null,
      ip: entry.ip ?? null,
      ...(entry.details ? { details: entry.details as Prisma.InputJsonValue } : {}),
    },
  });
}

beforeAll(async () => {
  const year = await seedYear(prisma);
  const site = await seedSite(prisma);
  const otherYear = await seedYear(prisma, { districtCode: '13' });
  const otherSite = await seedSite(prisma, { districtCode: '13' });
  people.cand = await seedCandidate(prisma, year, site, { name: '王小明', registrationNo: '2026120001' });
  people.cand2 = await seedCandidate(prisma, year, site, { name: '李四', registrationNo: '2026120002' });
  // same name in another district: never matched by this district's search
  people.outsider = await seedCandidate(prisma, otherYear, otherSite, { name: '王小明', registrationNo: '2026130001' });
  const admin = await seedStaff(prisma, 'ADMIN');
  people.reviewer = await seedStaff(prisma, 'DISTRICT_REVIEWER');
  people.otherReviewer = await seedStaff(prisma, 'DISTRICT_REVIEWER', { districtCode: '13' });
  h.admin = await loginAs(prisma, { role: 'ADMIN', userId: admin.id });
  h.otherAdmin = await loginAs(prisma, { role: 'ADMIN', userId: (await seedStaff(prisma, 'ADMIN', { districtCode: '13' })).id });
  h.reviewer = await loginAs(prisma, { role: 'DISTRICT_REVIEWER', userId: people.reviewer.id });
  h.candidate = await loginAs(prisma, { role: 'CANDIDATE', candidateId: people.cand.id });

  const login = (c: { id: string }, at: Date) =>
    audit(at, { actorType: 'CANDIDATE', actorId: c.id, action: 'identity.login', targetType: 'candidate', targetId: c.id, candidateId: c.id, ip: '10.0.0.1' });
  await login(people.cand, minutes(0));
  await login(people.cand2, minutes(1));
  await login(people.outsider, minutes(2));
  await audit(minutes(3), {
    actorType: 'CANDIDATE',
    actorId: people.cand.id,
    action: 'identity.login_failed',
    targetType: 'candidate',
    targetId: people.cand.id,
    candidateId: people.cand.id,
    details: { reason: 'bad_password', account: '2026120001' },
  });
  // a reviewer of the district reads the candidate's full ID number; another district's reviewer logs in
  await audit(minutes(4), {
    actorType: 'STAFF',
    actorId: people.reviewer.id,
    action: 'review.id_number_view',
    targetType: 'candidate',
    targetId: people.cand.id,
    candidateId: people.cand.id,
    details: { purpose: '核对', idNumber: '120101199001011234' },
  });
  await audit(minutes(5), { actorType: 'STAFF', actorId: people.reviewer.id, action: 'identity.login', targetType: 'user', targetId: people.reviewer.id });
  await audit(minutes(6), { actorType: 'STAFF', actorId: people.otherReviewer.id, action: 'identity.login', targetType: 'user', targetId: people.otherReviewer.id });
  // no district: a failed login for an account that does not exist
  await audit(minutes(7), { actorType: 'STAFF', actorId: null, action: 'identity.login_failed', targetType: 'user', details: { reason: 'unknown_account', account: 'ghost' } });
  // many rows with the same instant (paging must break the tie on id)
  for (let i = 0; i < 7; i++) {
    await audit(minutes(10), { actorType: 'CANDIDATE', actorId: people.cand2.id, action: 'material.image_upload', targetType: 'image', targetId: `img-${i}`, candidateId: people.cand2.id });
  }
});

const search = (who: AuthHeaders, query: Record<string, string | number>) => request(app).get('/api/notification/admin/audit').set(who).query(query);
const ours = (items: AuditLogItem[]) => items.filter((i) => !i.action.startsWith('ops.'));

describe('bull-board dashboard /api/notification/admin/queues', () => {
  it('serves the page to an admin with a path-scoped CSP, 403 to a reviewer, 401 without a session', async () => {
    const page = await request(app).get('/api/notification/admin/queues').set(h.admin);
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html');
    expect(page.text).toContain('<base href="/api/notification/admin/queues/"');
    expect(page.headers['content-security-policy']).toBe(BULL_BOARD_CSP);
    expect(page.headers['content-security-policy']).not.toContain('unsafe-eval');
    const script = /src="(static\/js\/main\.[^"]+\.js)"/.exec(page.text)?.[1];
    expect(script).toBeTruthy();
    const asset = await request(app).get(`/api/notification/admin/queues/${script}`).set(h.admin);
    expect(asset.status).toBe(200);
    expect(asset.type).toMatch(/javascript/);

    for (const path of ['/api/notification/admin/queues', '/api/notification/admin/queues/api/queues', `/api/notification/admin/queues/${script}`]) {
      expect((await request(app).get(path).set(h.reviewer)).status).toBe(403);
      expect((await request(app).get(path).set(h.candidate)).status).toBe(403);
      const anon = await request(app).get(path);
      expect(anon.status).toBe(401);
      expect(anon.body.error.message).toBe('请先登录');
    }
    // the rest of the service keeps helmet's policy
    const other = await request(app).get('/api/notification/health/queues').set(h.admin);
    expect(other.headers['content-security-policy']).not.toBe(BULL_BOARD_CSP);
    // opening the dashboard is recorded
    expect(await prisma.auditLog.count({ where: { action: 'ops.queue_dashboard_view' } })).toBeGreaterThanOrEqual(1);
  });

  it("lists every queue of QUEUE_NAMES under the run's prefix, with their jobs", async () => {
    await producer.add('roster.import', { importId: '00000000-0000-7000-8000-000000000001' });
    const r = await request(app).get('/api/notification/admin/queues/api/queues').query({ activeQueue: 'roster', status: 'latest', page: 1 }).set(h.admin);
    expect(r.status).toBe(200);
    const names = (r.body.queues as { name: string; readOnlyMode: boolean }[]).map((q) => q.name);
    expect(names.sort()).toEqual([...QUEUE_NAMES].map((n) => `${n}`).sort());
    expect((r.body.queues as { readOnlyMode: boolean }[]).every((q) => q.readOnlyMode)).toBe(true);
    // read-only: no retry/clean/pause through the dashboard (405, or 403 CSRF without the token)
    const put = await request(app).put('/api/notification/admin/queues/api/queues/roster/clean/completed').set(h.admin);
    expect(put.status).toBe(405);
    expect(put.body.error.message).toContain('只读');
    expect((await request(app).put('/api/notification/admin/queues/api/queues/pause').set(h.reviewer)).status).toBe(403);
  });
});

describe('audit-log search /api/notification/admin/audit', () => {
  it("shows the district's candidate and staff rows only, newest first, with names and no ID numbers", async () => {
    const r = await search(h.admin, { limit: 100 });
    expect(r.status).toBe(200);
    const items = ours((r.body as AuditSearchResponse).items);
    const regs = new Set(items.map((i) => i.registrationNo));
    expect(regs.has(people.outsider.registrationNo)).toBe(false);
    expect(items.some((i) => i.actorAccount === people.otherReviewer.username)).toBe(false);
    expect(items.some((i) => i.details?.account === 'ghost')).toBe(false);
    expect(items).toHaveLength(7 + 5);
    const times = items.map((i) => i.at);
    expect([...times].sort().reverse()).toEqual(times);
    const view = items.find((i) => i.action === 'review.id_number_view');
    expect(view).toMatchObject({
      actorType: 'STAFF',
      actorAccount: people.reviewer.username,
      actorName: people.reviewer.displayName,
      registrationNo: '2026120001',
      candidateName: '王小明',
      actionLabel: '查看完整身份证号',
    });
    expect(JSON.stringify(r.body)).not.toContain('120101199001011234');
    const login = items.find((i) => i.action === 'identity.login' && i.actorType === 'CANDIDATE' && i.registrationNo === '2026120001');
    expect(login).toMatchObject({ actorAccount: '2026120001', actorName: '王小明', actionLabel: '登录' });

    // the other district sees its own rows and none of ours
    const other = ours((await search(h.otherAdmin, { limit: 100 })).body.items as AuditLogItem[]);
    expect(other.map((i) => i.registrationNo ?? i.actorAccount).sort()).toEqual([people.otherReviewer.username, people.outsider.registrationNo].sort());
  });

  it('filters by candidate (报名号 or name), actor, action (exact or prefix) and time', async () => {
    const byReg = ours((await search(h.admin, { candidate: '2026120001' })).body.items);
    expect(byReg.map((i) => i.action)).toEqual(['review.id_number_view', 'identity.login_failed', 'identity.login']);
    // the name matches this district's 王小明 only, not the other district's
    const byName = ours((await search(h.admin, { candidate: '王小明' })).body.items);
    expect(byName.map((i) => i.id)).toEqual(byReg.map((i) => i.id));
    expect((await search(h.admin, { candidate: '2026130001' })).body.items).toEqual([]);

    const byActor = ours((await search(h.admin, { actor: people.reviewer.username })).body.items);
    expect(byActor.map((i) => i.action)).toEqual(['identity.login', 'review.id_number_view']);
    expect((await search(h.admin, { actor: people.otherReviewer.username })).body.items).toEqual([]);

    const exact = ours((await search(h.admin, { action: 'identity.login' })).body.items);
    expect(exact.map((i) => i.action)).toEqual(['identity.login', 'identity.login', 'identity.login']);
    const prefix = ours((await search(h.admin, { action: 'identity.*' })).body.items);
    expect(prefix.map((i) => i.action)).toEqual(['identity.login', 'identity.login_failed', 'identity.login', 'identity.login']);
    // `_` in a prefix is not a wildcard
    expect((await search(h.admin, { action: 'identity_*' })).status).toBe(400);

    const window = ours((await search(h.admin, { from: minutes(1).toISOString(), to: minutes(4).toISOString() })).body.items);
    expect(window.map((i) => i.at)).toEqual([minutes(4), minutes(3), minutes(1)].map((d) => d.toISOString()));
    const combined = ours((await search(h.admin, { candidate: '王小明', action: 'identity.*', to: minutes(2).toISOString() })).body.items);
    expect(combined.map((i) => i.action)).toEqual(['identity.login']);
  });

  it('pages by (at, id) without gaps or repeats, also through rows of the same instant', async () => {
    const all = ours((await search(h.admin, { candidate: '2026120002', limit: 100 })).body.items as AuditLogItem[]);
    expect(all).toHaveLength(8);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await search(h.admin, { candidate: '2026120002', limit: 3, ...(cursor ? { cursor } : {}) });
      expect(r.status).toBe(200);
      const body = r.body as AuditSearchResponse;
      seen.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor ?? undefined;
      pages++;
      // a row written meanwhile (newer) does not shift the pages already handed out
      if (pages === 1) await audit(minutes(30), { actorType: 'CANDIDATE', actorId: people.cand2.id, action: 'identity.login', targetType: 'candidate', candidateId: people.cand2.id });
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(all.map((i) => i.id));
  });

  it('answers bad input with a specific Chinese 400 and everyone but an admin with 401/403', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ from: 'yesterday' }, '开始时间格式不正确'],
      // both times bad: the range checks must not run on the raw strings (found by tools/route-fuzz: was a 500)
      [{ from: 'Abc12345', to: 'Abc12345' }, '时间格式不正确'],
      [{ from: minutes(5).toISOString(), to: minutes(1).toISOString() }, '开始时间不能晚于结束时间'],
      [{ from: '2024-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, '时间范围不能超过'],
      [{ action: 'DROP TABLE' }, '操作类型格式不正确'],
      [{ actor: "x' OR 1=1" }, '操作人用户名格式不正确'],
      [{ limit: '1000' }, '每页最多 100 条'],
      [{ cursor: 'bm90LWEtY3Vyc29y' }, '分页参数不正确'],
      [{ candidate: 'x'.repeat(65) }, '考生搜索内容过长'],
    ];
    for (const [query, message] of cases) {
      const r = await search(h.admin, query);
      expect(r.status, JSON.stringify(query)).toBe(400);
      expect(r.body.error.message).toContain(message);
    }
    expect((await search(h.reviewer, {})).status).toBe(403);
    expect((await search(h.candidate, {})).status).toBe(403);
    expect((await request(app).get('/api/notification/admin/audit')).status).toBe(401);
  });

  it('records the search itself (first page only)', async () => {
    const before = await prisma.auditLog.count({ where: { action: 'ops.audit_search' } });
    const first = await search(h.admin, { actor: people.reviewer.username, limit: 1 });
    await search(h.admin, { actor: people.reviewer.username, limit: 1, cursor: first.body.nextCursor as string });
    expect(await prisma.auditLog.count({ where: { action: 'ops.audit_search' } })).toBe(before + 1);
  });
});

describe('audit-search rules', () => {
  it('redacts sensitive keys, ID numbers and the account typed for an unknown login', () => {
    expect(
      redactAuditDetails({ idNumber: '120101199001011234', password: 'p', code: '123456', recoveryCode: 'abcd', note: '证件 120101199001011234', nested: { otp: '1' }, templateCode: 'SUBMITTED' }),
    ).toEqual({ idNumber: REDACTED, password: REDACTED, code: REDACTED, recoveryCode: REDACTED, note: '证件 [REDACTED]', nested: { otp: REDACTED }, templateCode: 'SUBMITTED' });
    expect(redactAuditDetails({ reason: 'unknown_account', account: 'MyPassw0rd' })).toEqual({ reason: 'unknown_account', account: REDACTED });
    expect(redactAuditDetails({ reason: 'bad_password', account: 'reviewer1' })).toEqual({ reason: 'bad_password', account: 'reviewer1' });
    expect(redactAuditDetails(null)).toBeNull();
  });

  it('round-trips the cursor and refuses a forged one', () => {
    const c = { at: new Date('2026-03-01T08:00:00.123Z'), id: 123456789012n };
    expect(decodeAuditCursor(encodeAuditCursor(c))).toEqual(c);
    expect(() => decodeAuditCursor(Buffer.from('2026-03-01|1 OR 1=1').toString('base64url'))).toThrow('分页参数不正确');
  });
});
