// Fault 3: Redis comes back EMPTY (restarted without persistence, or a failover to an empty replica). The repeating
// deadline tick and the sweeper existed only because the workers registered them at start, and every queued job is
// gone: 20 images sat 处理中 and an exam year whose deadline passed was never locked. The workers now register their
// schedules again whenever their Redis connection is ready, re-queue what was lost, and fail readiness while a
// schedule is missing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { PrismaClient } from '@exam/db';
import { makeJpeg, seedCandidate, seedImage } from '@exam/testing';
import {
  GRADUATE_SLOTS,
  figure,
  pool,
  queueProbe,
  seconds,
  seedCandidates,
  seedOpenYear,
  sleep,
  startProcess,
  statusOf,
  upload,
  waitUntil,
  type Env,
  type OwnRedis,
  type SystemProcess,
  openFaultContext,
  type FaultContext,
} from './harness.js';

describe('Redis comes back empty', () => {
  let f: FaultContext;
  let prisma: PrismaClient;
  let redis: OwnRedis;
  let env: Env;
  const procs: SystemProcess[] = [];

  beforeAll(async () => {
    f = await openFaultContext({ redis: 'none' });
    ({ prisma, env } = f);
    redis = f.redis!;
  });
  afterAll(() => f?.close(procs));

  it('re-registers the schedules, re-queues the lost images, locks the year that passed its deadline', { timeout: 120_000 }, async () => {
    procs.push(...(await Promise.all([startProcess('material-service', env), startProcess('workers', env)])));
    const [material, workers] = procs as [SystemProcess, SystemProcess];
    const probe = queueProbe(env.redisUrl, env.prefix);
    const expected = await probe.schedulers();
    expect(expected).toEqual(expect.arrayContaining(['deadline.sweep', 'deadline.tick']));

    // 20 uploads whose image.process jobs wait in Redis (the image queue paused, so none has run yet)
    const { year, site } = await seedOpenYear(prisma);
    const candidates = await seedCandidates(prisma, year, site, 2);
    await probe.producer.queue('image').pause();
    const photo = await makeJpeg(640, 480, 60);
    const ids: string[] = [];
    await pool(Array.from({ length: 20 }, (_, i) => i), 4, async (i) => {
      const c = candidates[i % 2]!;
      const a = await upload(material.base, c.auth, GRADUATE_SLOTS[Math.floor(i / 2)]!, photo);
      expect(a.status).toBe(201);
      ids.push((a.body as { id: string }).id);
    });
    expect(await probe.producer.queue('image').getWaitingCount()).toBe(20);

    // an exam year whose window ends while Redis is away, with one complete draft (auto-submitted at the lock)
    const closing = await seedOpenYear(prisma, { uploadEnd: new Date(Date.now() + 1_500) });
    const cand = await seedCandidate(prisma, closing.year, closing.site);
    const dossier = await prisma.dossier.create({ data: { candidateId: cand.id, examYearId: closing.year.id, siteId: closing.site.id, status: 'DRAFT' } });
    for (const categoryCode of ['ID_CARD', 'ID_CARD', 'GRAD_CERT', 'PROBATION']) await seedImage(prisma, dossier.id, { categoryCode });

    await redis.kill(); // SIGKILL, no persistence: everything in it is gone
    await sleep(2_000);
    await redis.start();
    const backAt = Date.now();

    const schedulesMs = await waitUntil('the schedules registered again', async () => {
      const now = await probe.schedulers().catch((): string[] => []);
      return expected.every((k) => now.includes(k)) ? Date.now() - backAt : undefined;
    }, 30_000, 50);
    const imagesMs = await waitUntil(
      'the 20 images processed',
      async () => ((await prisma.image.count({ where: { id: { in: ids }, state: 'READY' } })) === 20 ? Date.now() - backAt : undefined),
      60_000,
      100,
    );
    const lockMs = await waitUntil(
      'the year locked',
      async () => {
        const [y, d] = await Promise.all([
          prisma.examYear.findUniqueOrThrow({ where: { id: closing.year.id } }),
          prisma.dossier.findUniqueOrThrow({ where: { id: dossier.id } }),
        ]);
        return y.deadlineProcessedAt && d.status === 'PENDING_SITE' ? Date.now() - backAt : undefined;
      },
      30_000,
      100,
    );
    expect(await statusOf(`${workers.base}/readyz`)).toBe(200);

    // readiness fails while a schedule is missing (a FLUSH or a failover without a reconnect yet)…
    await probe.producer.queue('deadline').removeJobScheduler('deadline.sweep');
    const notReady = await fetch(`${workers.base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ checks: { schedules: 'fail' } });
    // …and the next time the connection is ready (here: Redis drops every client) the schedule is back
    const admin = new Redis(redis.url);
    const killedAt = Date.now();
    await admin.call('CLIENT', 'KILL', 'TYPE', 'normal');
    await admin.quit();
    const readyAgainMs = await waitUntil('/readyz 200 again', async () => ((await statusOf(`${workers.base}/readyz`)) === 200 ? Date.now() - killedAt : undefined), 30_000, 50);
    expect(await probe.schedulers()).toEqual(expected);
    await probe.close();

    figure(
      `Redis back empty — schedules (${expected.length}) registered again ${seconds(schedulesMs)} s after Redis returned; ` +
        `20/20 images whose jobs were lost processed ${seconds(imagesMs)} s after; the year whose deadline passed meanwhile locked ` +
        `(auto-submitted) ${seconds(lockMs)} s after; readiness 503 while a schedule was missing, 200 again ${seconds(readyAgainMs)} s after a reconnect`,
    );
  });
});
