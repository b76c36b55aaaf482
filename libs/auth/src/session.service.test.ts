import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '@exam/db';
import { createTestDatabase, type TestDatabase } from '@exam/testing';
import { createSessionService, sessionIdOf } from './session.service.js';

let db: TestDatabase;
let prisma: PrismaClient;
let candidateId: string;
let reviewerId: string;
let siteId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
  const year = await prisma.examYear.create({
    data: {
      code: '2026',
      name: '2026年医师资格考试',
      districtCode: '120000',
      districtName: '天津市',
      uploadStart: new Date('2026-01-29T02:00:00Z'),
      uploadEnd: new Date('2026-02-11T16:00:00Z'),
    },
  });
  const site = await prisma.examSite.create({ data: { districtCode: '120000', code: '01', name: '和平区考点' } });
  siteId = site.id;
  const c = await prisma.candidate.create({
    data: {
      examYearId: year.id,
      siteId: site.id,
      registrationNo: 'S001',
      name: '张三',
      candidateType: 'GRADUATE',
      unitName: '某医院',
      idNumberEnc: Buffer.from('x'),
      idNumberHash: '0'.repeat(64),
    },
  });
  candidateId = c.id;
  const u = await prisma.user.create({
    data: { username: 'site1', displayName: '考点审核员', role: 'SITE_REVIEWER', districtCode: '120000', siteId: site.id, passwordHash: 'x' },
  });
  reviewerId = u.id;
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

function clock(start: string) {
  let t = new Date(start).getTime();
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

describe('session service', () => {
  it('creates an opaque session and resolves it with the display data', async () => {
    const sessions = createSessionService(prisma, { idleMinutes: 30, absoluteHours: 12 });
    const s = await sessions.create({ role: 'CANDIDATE', candidateId });
    expect(s.token).toMatch(/^[\w-]{43}$/);
    expect(s.csrfToken).toMatch(/^[\w-]{43}$/);
    expect(await prisma.session.findUnique({ where: { id: s.token } })).toBeNull(); // the token itself is not stored
    const row = await prisma.session.findUniqueOrThrow({ where: { id: sessionIdOf(s.token) } });
    expect(row.csrfToken).toBe(s.csrfToken);

    const auth = await sessions.resolve(s.token);
    expect(auth).toEqual({
      sessionId: sessionIdOf(s.token),
      role: 'CANDIDATE',
      candidateId,
      csrfToken: s.csrfToken,
      user: { id: candidateId, role: 'CANDIDATE', displayName: '张三', districtCode: '120000', siteId, siteName: '和平区考点' },
    });
    expect(await sessions.resolve('nope')).toBeNull();
    expect(await sessions.resolve('A'.repeat(43))).toBeNull();

    const staff = await sessions.create({ role: 'SITE_REVIEWER', userId: reviewerId });
    expect((await sessions.resolve(staff.token))?.user).toEqual({
      id: reviewerId,
      username: 'site1',
      role: 'SITE_REVIEWER',
      displayName: '考点审核员',
      districtCode: '120000',
      siteId,
      siteName: '和平区考点',
    });
    const again = await sessions.create({ role: 'SITE_REVIEWER', userId: reviewerId });
    expect(again.token).not.toBe(staff.token);
  });

  it('ends a session after the idle timeout and touches lastSeenAt at most once a minute', async () => {
    const c = clock('2026-02-01T08:00:00Z');
    const sessions = createSessionService(prisma, { idleMinutes: 30, absoluteHours: 12, now: c.now });
    const s = await sessions.create({ role: 'CANDIDATE', candidateId });
    const lastSeen = async () => (await prisma.session.findUniqueOrThrow({ where: { id: sessionIdOf(s.token) } })).lastSeenAt;

    c.advance(30_000);
    expect(await sessions.resolve(s.token)).not.toBeNull();
    expect(await lastSeen()).toEqual(new Date('2026-02-01T08:00:00Z')); // under a minute: not written

    c.advance(29 * 60_000); // 29.5 min after login: still alive, now touched
    expect(await sessions.resolve(s.token)).not.toBeNull();
    expect(await lastSeen()).toEqual(c.now());

    c.advance(29 * 60_000); // active again within the idle window
    expect(await sessions.resolve(s.token)).not.toBeNull();

    c.advance(30 * 60_000 + 1000); // idle for longer than 30 minutes
    expect(await sessions.resolve(s.token)).toBeNull();
  });

  it('ends a session at its absolute expiry even when used', async () => {
    const c = clock('2026-02-01T08:00:00Z');
    const sessions = createSessionService(prisma, { idleMinutes: 30, absoluteHours: 1, now: c.now });
    const s = await sessions.create({ role: 'CANDIDATE', candidateId });
    expect(s.expiresAt).toEqual(new Date('2026-02-01T09:00:00Z'));
    for (let i = 0; i < 3; i++) {
      c.advance(19 * 60_000);
      expect(await sessions.resolve(s.token)).not.toBeNull();
    }
    c.advance(3 * 60_000); // 60 minutes after login
    expect(await sessions.resolve(s.token)).toBeNull();
  });

  it('revokes one session or all of a principal, and refuses disabled staff', async () => {
    const sessions = createSessionService(prisma, { idleMinutes: 30, absoluteHours: 12 });
    const a = await sessions.create({ role: 'CANDIDATE', candidateId });
    const b = await sessions.create({ role: 'CANDIDATE', candidateId });
    await sessions.revoke(a.token);
    expect(await sessions.resolve(a.token)).toBeNull();
    expect(await sessions.resolve(b.token)).not.toBeNull();
    expect(await sessions.revokeAllFor({ role: 'CANDIDATE', candidateId })).toBeGreaterThanOrEqual(1);
    expect(await sessions.resolve(b.token)).toBeNull();

    const staff = await sessions.create({ role: 'SITE_REVIEWER', userId: reviewerId });
    await prisma.user.update({ where: { id: reviewerId }, data: { disabledAt: new Date() } });
    expect(await sessions.resolve(staff.token)).toBeNull();
    await prisma.user.update({ where: { id: reviewerId }, data: { disabledAt: null } });
    expect(await sessions.resolve(staff.token)).not.toBeNull();
    await expect(sessions.create({ role: 'ADMIN' })).rejects.toThrow();
  });
});
