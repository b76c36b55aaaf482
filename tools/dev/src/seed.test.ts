import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStorage } from '@exam/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptIdNumber, verifyPassword } from '@exam/auth';
import { createPrismaClient, type PrismaClient } from '@exam/db';
import { createJobProducer, createRedisConnection } from '@exam/queue';
import { createTestDatabase, testRedisPrefix, testRedisUrl } from '@exam/testing';
import { sweepStuck } from '../../../apps/workers/src/deadline.service.js';
import { DEMO_PASSWORDS, demoIdNumber } from './demo-data.js';
import { seedDemo } from './seed.js';
import { DEMO_IN_REVIEW, DEMO_SITE_PASSED, seedDemoReview } from './demo-review.js';

const keys = { idEncKey: randomBytes(32).toString('base64'), idHashKey: randomBytes(32).toString('base64') };

describe('demo seed', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let prisma: PrismaClient;
  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url);
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  it('seeds an open demo year, the manual window year, 2 sites, 20 candidates of every type and the staff', async () => {
    const now = new Date('2026-11-25T08:00:00Z');
    const r = await seedDemo(prisma, keys, now);
    expect(r.created).toBe(true);
    const years = await prisma.examYear.findMany({ orderBy: { code: 'asc' } });
    expect(years.map((y) => y.code)).toEqual(['2026', '2027']);
    expect(years[0]!.uploadStart.toISOString()).toBe('2026-01-29T02:00:00.000Z');
    expect(years[0]!.uploadEnd.toISOString()).toBe('2026-02-11T16:00:00.000Z');
    expect(years[1]!.uploadStart.getTime()).toBeLessThan(now.getTime());
    expect(years[1]!.uploadEnd.getTime()).toBeGreaterThan(now.getTime());

    const demo = await prisma.candidate.findMany({ where: { examYearId: years[1]!.id }, include: { dossier: true } });
    expect(demo).toHaveLength(20);
    expect(new Set(demo.map((c) => c.candidateType)).size).toBe(4);
    expect(new Set(demo.map((c) => c.siteId)).size).toBe(2);
    expect(demo.every((c) => c.dossier?.status === 'DRAFT')).toBe(true);
    const first = demo.find((c) => c.registrationNo === r.candidates[0]!.registrationNo)!;
    expect(await verifyPassword(DEMO_PASSWORDS.candidate, first.passwordHash!)).toBe(true);
    expect(decryptIdNumber(keys.idEncKey, first.id, first.idNumberEnc)).toBe(r.candidates[0]!.idNumber);
    expect(demo.filter((c) => c.activatedAt === null)).toHaveLength(3);

    const staff = await prisma.user.findMany();
    expect(staff.map((s) => s.role).sort()).toEqual(['ADMIN', 'DISTRICT_REVIEWER', 'SITE_REVIEWER', 'SITE_REVIEWER']);
    expect(await prisma.materialCategory.count({ where: { examYearId: years[1]!.id } })).toBe(15);
  });

  it('puts a few demo dossiers in review with real, processed images, one already passed by its site', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'demo-review-'));
    try {
      const storage = new FsBlobStorage(dir);
      const r = await seedDemo(prisma, keys);
      expect(await seedDemoReview(prisma, storage, r)).toBe(DEMO_IN_REVIEW.length);
      const inReview = await prisma.dossier.findMany({ where: { status: { not: 'DRAFT' } }, include: { candidate: true, images: true } });
      expect(inReview.map((d) => d.candidate.registrationNo).sort()).toEqual(DEMO_IN_REVIEW.map((i) => r.candidates[i]!.registrationNo).sort());
      expect(inReview.filter((d) => d.status === 'PENDING_DISTRICT')).toHaveLength(DEMO_SITE_PASSED.length);
      for (const d of inReview) {
        expect(d.images.length).toBeGreaterThanOrEqual(4);
        for (const img of d.images) expect(await storage.exists(img.previewKey!)).toBe(true);
      }
      // submitted two days ago, past the sweeper's 24 h look-back: no 提交成功 goes out for them minutes after start
      const transitions = await prisma.dossierTransition.findMany({ where: { dossierId: { in: inReview.map((d) => d.id) } } });
      expect(transitions.every((t) => t.createdAt.getTime() < Date.now() - 24 * 3600_000)).toBe(true);
      const connection = createRedisConnection(testRedisUrl(), 'producer');
      const producer = createJobProducer(connection, testRedisPrefix());
      try {
        // the sweep as it runs ten minutes after start (it looks at transitions older than 5 minutes, younger than 24 h)
        await sweepStuck({ prisma, producer, clock: { now: () => new Date(Date.now() + 10 * 60_000) }, logger: { info: () => undefined, warn: () => undefined, error: () => undefined } });
        expect(await producer.queue('notify').getJobCounts('waiting', 'delayed')).toEqual({ waiting: 0, delayed: 0 });
      } finally {
        await producer.queue('notify').obliterate({ force: true });
        await producer.close();
        await connection.quit();
      }
      // the upload demo's candidates are left as they were
      expect((await prisma.dossier.findFirstOrThrow({ where: { candidate: { registrationNo: r.candidates[0]!.registrationNo } } })).status).toBe('DRAFT');
      expect(await seedDemoReview(prisma, storage, r)).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('changes nothing when run again', async () => {
    const before = await prisma.candidate.count();
    expect((await seedDemo(prisma, keys)).created).toBe(false);
    expect(await prisma.candidate.count()).toBe(before);
  });
});

it('makes ID numbers with a valid GB 11643 check digit', () => {
  for (let i = 1; i < 30; i++) {
    const id = demoIdNumber(i);
    expect(id).toMatch(/^\d{17}[\dX]$/);
    const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const sum = id.slice(0, 17).split('').reduce((s, d, k) => s + Number(d) * w[k]!, 0);
    expect(id[17]).toBe('10X98765432'[sum % 11]);
  }
});
