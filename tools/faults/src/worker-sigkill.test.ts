// Fault 1: the image worker is SIGKILLed in the middle of 100 uploads and started again. Every image must end
// 合格 (READY) or 不合格 (REJECTED) within 2 minutes of the restart, and none may be lost. The uploads go through
// the real material-service over HTTP; the workers are the real `apps/workers/src/main.ts` child process.
// Jobs that were running at the kill come back through BullMQ's stalled-job check once their lock (30 s) expires.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '@exam/db';
import { makeJpeg } from '@exam/testing';
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
  upload,
  waitUntil,
  type Answer,
  type Env,
  type SystemProcess,
  openFaultContext,
  type FaultContext,
} from './harness.js';

const UPLOADS = 100;
const PER_CANDIDATE = 10;
const KILL_AFTER_ACCEPTED = 40;
const RECOVERY_LIMIT_MS = 120_000;

describe('image worker SIGKILLed during 100 uploads', () => {
  let f: FaultContext;
  let prisma: PrismaClient;
  let env: Env;
  const procs: SystemProcess[] = [];

  beforeAll(async () => {
    f = await openFaultContext();
    ({ prisma, env } = f);
  });
  afterAll(() => f?.close(procs));

  it('every image ends READY or REJECTED within 2 minutes of the restart, none lost', { timeout: 240_000 }, async () => {
    const [material, firstWorker] = await Promise.all([startProcess('material-service', env), startProcess('workers', env)]);
    procs.push(material, firstWorker);
    const { year, site } = await seedOpenYear(prisma);
    const candidates = await seedCandidates(prisma, year, site, UPLOADS / PER_CANDIDATE);
    // 9 good photos and 1 too small to read (不合格) per candidate
    const good = await Promise.all(Array.from({ length: 6 }, () => makeJpeg(640, 480, 60)));
    const tooSmall = await makeJpeg(300, 150, 80);
    const plan = Array.from({ length: UPLOADS }, (_, i) => {
      const c = candidates[i % candidates.length]!;
      const slot = Math.floor(i / candidates.length);
      const bad = slot === PER_CANDIDATE - 1;
      return { auth: c.auth, category: GRADUATE_SLOTS[slot]!, bytes: bad ? tooSmall : good[i % good.length]!, bad };
    });

    const probe = queueProbe(env.redisUrl, env.prefix);
    const answers: (Answer & { bad: boolean })[] = [];
    let accepted = 0;
    let killed: Promise<{ active: number; waiting: number; processing: number; killedAt: number }> | undefined;
    const killWorker = async () => {
      await firstWorker.kill('SIGKILL');
      const killedAt = Date.now();
      const counts = await probe.producer.queue('image').getJobCounts('active', 'waiting');
      const processing = await prisma.image.count({ where: { dossier: { examYearId: year.id }, state: 'PROCESSING' } });
      return { active: counts['active'] ?? 0, waiting: counts['waiting'] ?? 0, processing, killedAt };
    };
    let restarted: Promise<{ worker: SystemProcess; restartAt: number }> | undefined;

    const t0 = Date.now();
    await pool(plan, 6, async (p) => {
      const a = await upload(material.base, p.auth, p.category, p.bytes);
      answers.push({ ...a, bad: p.bad });
      if (a.status === 201 && ++accepted === KILL_AFTER_ACCEPTED) {
        killed = killWorker();
        // the worker is down for 2 s while uploads go on, then started again (as the supervisor of npm start does)
        restarted = killed.then(async () => {
          await sleep(2_000);
          const restartAt = Date.now();
          const worker = await startProcess('workers', env);
          procs.push(worker);
          return { worker, restartAt };
        });
      }
    });
    const uploadsDone = Date.now();
    expect(killed, 'the worker was killed mid-way').toBeDefined();
    const kill = await killed!;
    const { restartAt } = await restarted!;

    // every upload was accepted: the service does not need the worker
    expect(answers.map((a) => a.status).filter((s) => s !== 201)).toEqual([]);
    const ids = answers.map((a) => (a.body as { id: string }).id);
    expect(new Set(ids).size).toBe(UPLOADS);

    const settled = await waitUntil(
      'every image READY or REJECTED',
      async () => {
        const rows = await prisma.image.findMany({ where: { id: { in: ids } }, select: { id: true, state: true } });
        return rows.length === UPLOADS && rows.every((r) => r.state !== 'PROCESSING') ? rows : undefined;
      },
      RECOVERY_LIMIT_MS + 10_000,
      250,
    );
    const recoveredMs = Date.now() - restartAt;
    expect(recoveredMs).toBeLessThan(RECOVERY_LIMIT_MS);

    const state = new Map(settled.map((r) => [r.id, r.state]));
    const lost = ids.filter((id) => !state.has(id));
    expect(lost).toEqual([]);
    const wrong = answers.filter((a) => state.get((a.body as { id: string }).id) !== (a.bad ? 'REJECTED' : 'READY'));
    expect(wrong.length).toBe(0);
    const ready = settled.filter((r) => r.state === 'READY').length;
    await probe.close();

    figure(
      `worker SIGKILL — ${UPLOADS}/${UPLOADS} images settled ${seconds(recoveredMs)} s after the restart (limit 120 s), 0 lost; ` +
        `${ready} 合格 / ${UPLOADS - ready} 不合格 as expected; at the kill ${kill.active} jobs running and ${kill.processing} images 处理中; ` +
        `uploads ${seconds(uploadsDone - t0)} s, all 201 while the worker was down`,
    );
  });
});
