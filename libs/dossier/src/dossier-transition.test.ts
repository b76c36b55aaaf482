import { afterAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type DossierStatus } from '@exam/db';
import { DOSSIER_STATUSES, TRANSITIONS, type TransitionAction, type TransitionActor } from '@exam/domain';
import { createJobProducer, createRedisConnection, jobIdFor } from '@exam/queue';
import { buildDossier, createTestDatabase, seedDossier, seedSite, seedYear, testRedisPrefix, testRedisUrl } from '@exam/testing';
import { runTransitions, transitionDossier, type DossierDoorDeps, type TransitionActorRef } from './index.js';

const db = await createTestDatabase();
const prisma = createPrismaClient(db.url, { max: 8 });
const redis = createRedisConnection(testRedisUrl(), 'producer');
const producer = createJobProducer(redis, testRedisPrefix());
const deps: DossierDoorDeps = { prisma, producer, logger: { error: () => undefined }, now: () => new Date() };
afterAll(async () => {
  await producer.close();
  await redis.quit();
  await prisma.$disconnect();
  await db.drop();
});

const year = await seedYear(prisma, { districtCode: '12' });
const site = await seedSite(prisma, { districtCode: '12' });
const actorFor = (role: TransitionActor): TransitionActorRef =>
  role === 'SYSTEM' ? { type: 'SYSTEM', id: null, role } : { type: role === 'CANDIDATE' ? 'CANDIDATE' : 'STAFF', id: '00000000-0000-7000-8000-000000000001', role };

describe('the dossier door', () => {
  it('moves a dossier: status, version, lastAction, history, audit, and the notice queued', async () => {
    const { dossier, candidate } = await buildDossier(prisma, { year, site, status: 'DRAFT' });
    const r = await transitionDossier(deps, { dossierId: dossier.id, action: 'SUBMIT', actor: actorFor('CANDIDATE') });
    expect(r).toMatchObject({ from: 'DRAFT', to: 'PENDING_SITE', version: 1 });
    const after = await prisma.dossier.findUniqueOrThrow({ where: { id: dossier.id } });
    expect(after).toMatchObject({ status: 'PENDING_SITE', version: 1, lastAction: 'SUBMIT' });
    expect(after.submittedAt).not.toBeNull();
    const tr = await prisma.dossierTransition.findUniqueOrThrow({ where: { id: r.transitionId } });
    expect(tr).toMatchObject({ fromStatus: 'DRAFT', toStatus: 'PENDING_SITE', action: 'SUBMIT', actorType: 'CANDIDATE' });
    expect(await prisma.auditLog.count({ where: { action: 'dossier.submit', candidateId: candidate.id } })).toBe(1);
    expect(await producer.queue('notify').getJob(jobIdFor('notify.fanout', { transitionId: r.transitionId }))).toBeTruthy();
  });

  it('refuses every transition the table does not have, from every state, and writes nothing', async () => {
    const refused: string[] = [];
    for (const status of DOSSIER_STATUSES) {
      const { dossier } = await seedDossier(prisma, year, site, status, status === 'DRAFT' ? null : new Date());
      for (const [action, rule] of Object.entries(TRANSITIONS) as [TransitionAction, (typeof TRANSITIONS)[TransitionAction]][]) {
        if (rule.from === status) continue;
        const err = await transitionDossier(deps, { dossierId: dossier.id, action, actor: actorFor(rule.actor) }).catch((e: unknown) => e);
        expect(err, `${action} from ${status}`).toMatchObject({ code: 'INVALID_TRANSITION', status: 409 });
        refused.push(`${status}:${action}`);
      }
      const after = await prisma.dossier.findUniqueOrThrow({ where: { id: dossier.id } });
      expect(after).toMatchObject({ status, version: 0 });
      expect(await prisma.dossierTransition.count({ where: { dossierId: dossier.id } })).toBe(0);
    }
    // 7 states × 11 actions, less the 11 the table allows
    expect(refused).toHaveLength(DOSSIER_STATUSES.length * Object.keys(TRANSITIONS).length - Object.keys(TRANSITIONS).length);
  });

  it('refuses a move by the wrong role even from the right state', async () => {
    const { dossier } = await buildDossier(prisma, { year, site, status: 'PENDING_SITE' });
    for (const role of ['CANDIDATE', 'DISTRICT_REVIEWER', 'SYSTEM'] as const) {
      await expect(transitionDossier(deps, { dossierId: dossier.id, action: 'SITE_PASS', actor: actorFor(role) })).rejects.toMatchObject({ status: 403 });
    }
    expect((await prisma.dossier.findUniqueOrThrow({ where: { id: dossier.id } })).status).toBe('PENDING_SITE');
  });

  it('two reviewers on one dossier at once: exactly one wins, the other is told the fresh state', async () => {
    for (let round = 0; round < 5; round++) {
      const { dossier } = await buildDossier(prisma, { year, site, status: 'PENDING_SITE' });
      const attempt = (action: TransitionAction) =>
        transitionDossier(deps, { dossierId: dossier.id, action, actor: actorFor('SITE_REVIEWER'), expectedVersion: dossier.version });
      const results = await Promise.allSettled([attempt('SITE_PASS'), attempt('SITE_RETURN')]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost[0]?.reason).toMatchObject({ code: 'CONFLICT', status: 409, details: { version: dossier.version + 1 } });
      expect(await prisma.dossierTransition.count({ where: { dossierId: dossier.id, fromStatus: 'PENDING_SITE' } })).toBe(1);
    }
  });

  it('a batch skips dossiers that moved meanwhile and moves the rest in one transaction', async () => {
    const a = await buildDossier(prisma, { year, site, status: 'DRAFT' });
    const b = await buildDossier(prisma, { year, site, status: 'PENDING_SITE' });
    const moved = await runTransitions(
      deps,
      async () => [a, b].map((x) => ({ dossierId: x.dossier.id, action: 'AUTO_SUBMIT' as const, actor: actorFor('SYSTEM'), reason: '截止自动提交' })),
      { onMismatch: 'skip' },
    );
    expect(moved.map((m) => m.dossierId)).toEqual([a.dossier.id]);
    expect(await prisma.dossier.findUniqueOrThrow({ where: { id: a.dossier.id } })).toMatchObject({ status: 'PENDING_SITE', autoSubmitted: true });
  });

  it('keeps the per-site status counters equal to the dossiers, whatever wrote them', async () => {
    const y = await seedYear(prisma, { districtCode: '12' });
    const s = await seedSite(prisma, { districtCode: '12' });
    for (const status of ['DRAFT', 'RETURNED', 'APPROVED', 'REJECTED', 'NOT_SUBMITTED', 'PENDING_DISTRICT'] as DossierStatus[]) {
      await buildDossier(prisma, { year: y, site: s, status });
    }
    await seedDossier(prisma, y, s, 'PENDING_SITE', new Date());
    const actual = await prisma.dossier.groupBy({ by: ['status'], where: { examYearId: y.id }, _count: { _all: true } });
    const counters = await prisma.dossierStatusCount.findMany({ where: { examYearId: y.id, siteId: s.id, n: { not: 0 } } });
    expect(Object.fromEntries(counters.map((c) => [c.status, c.n]))).toEqual(Object.fromEntries(actual.map((g) => [g.status, g._count._all])));
  });

  it('leaving RETURNED closes the open return and the transition names it', async () => {
    const { dossier } = await buildDossier(prisma, { year, site, status: 'RETURNED' });
    const open = await prisma.return.findFirstOrThrow({ where: { dossierId: dossier.id, closedAt: null } });
    const r = await transitionDossier(deps, { dossierId: dossier.id, action: 'RETURN_EXPIRED', actor: actorFor('SYSTEM') });
    expect((await prisma.return.findUniqueOrThrow({ where: { id: open.id } })).closedAt).not.toBeNull();
    expect((await prisma.dossierTransition.findUniqueOrThrow({ where: { id: r.transitionId } })).returnId).toBe(open.id);
  });
});
