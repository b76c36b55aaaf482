// Fault 2: Redis is restarted (with its append-only file, as production runs it) while candidates upload and log in.
// During the outage every request gets a clear 503 SERVICE_UNAVAILABLE in the one error shape within a second or two
// (the request-path connection has no offline queue), readiness fails, nothing answers 500; afterwards uploads are
// accepted again by themselves and every accepted image is processed — nothing lost, nothing stuck.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '@exam/db';
import { makeJpeg } from '@exam/testing';
import {
  GRADUATE_SLOTS,
  call,
  figure,
  isUnavailableAnswer,
  queueProbe,
  seconds,
  seedCandidates,
  seedOpenYear,
  sleep,
  startProcess,
  statusOf,
  upload,
  waitUntil,
  type Answer,
  type Env,
  type OwnRedis,
  type SystemProcess,
  openFaultContext,
  type FaultContext,
} from './harness.js';

const OUTAGE_MS = 4_000;
const FAST_MS = 2_000;

describe('Redis restarted during uploads', () => {
  let f: FaultContext;
  let prisma: PrismaClient;
  let redis: OwnRedis;
  let env: Env;
  const procs: SystemProcess[] = [];

  beforeAll(async () => {
    f = await openFaultContext({ redis: 'aof' });
    ({ prisma, env } = f);
    redis = f.redis!;
  });
  afterAll(() => f?.close(procs));

  it('answers 503 quickly during the outage, recovers by itself, loses nothing', { timeout: 120_000 }, async () => {
    procs.push(
      ...(await Promise.all([startProcess('material-service', env), startProcess('identity-service', env), startProcess('workers', env)])),
    );
    const [material, identity, workers] = procs as [SystemProcess, SystemProcess, SystemProcess];
    const { year, site } = await seedOpenYear(prisma);
    const candidates = await seedCandidates(prisma, year, site, 12);
    const photo = await makeJpeg(640, 480, 60);
    // every (candidate, category) slot once: no category fills up however long the load runs
    const slots = GRADUATE_SLOTS.flatMap((category) => candidates.map((c) => ({ auth: c.auth, category })));

    type Tagged = Answer & { kind: 'upload' | 'login' | 'readyz' };
    const answers: Tagged[] = [];
    let running = true;
    const uploader = async () => {
      while (running && slots.length) {
        const s = slots.shift()!;
        const a = await upload(material.base, s.auth, s.category, photo);
        if (a.status !== 201) slots.push(s); // refused: the slot is still free
        answers.push({ ...a, kind: 'upload' });
        await sleep(100);
      }
    };
    const login = () =>
      call(`${identity.base}/api/identity/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        // an unknown account: 401 normally; the throttle that counts it lives in Redis
        body: JSON.stringify({ kind: 'candidate', registrationNo: `R${randomBytes(5).toString('hex')}`, password: 'wrong-password-1' }),
      });
    // at most 30 logins, well under the 50 per IP in 15 minutes of the login throttle
    const loginLoop = async () => {
      for (let n = 0; running && n < 30; n++) {
        answers.push({ ...(await login()), kind: 'login' });
        await sleep(700);
      }
    };
    const readyLoop = async () => {
      while (running) {
        for (const p of [material, identity, workers]) answers.push({ ...(await call(`${p.base}/readyz`, { timeoutMs: 5_000 })), kind: 'readyz' });
        await sleep(300);
      }
    };
    const load = Promise.all([uploader(), uploader(), uploader(), loginLoop(), readyLoop()]);

    await sleep(2_500);
    const stopAt = Date.now();
    await redis.stop(); // SIGTERM: Redis flushes its AOF and exits, as in a restart
    const downAt = Date.now();
    await sleep(OUTAGE_MS);
    const upAt = Date.now();
    await redis.start();
    const backAt = Date.now();
    const firstUploadAfter = await waitUntil(
      'an upload accepted again',
      async () => answers.find((a) => a.kind === 'upload' && a.status === 201 && a.at >= backAt),
      20_000,
      50,
    );
    await waitUntil('every service ready again', async () => {
      const s = await Promise.all([material, identity, workers].map((p) => statusOf(`${p.base}/readyz`)));
      return s.every((x) => x === 200);
    }, 20_000);
    await sleep(1_500);
    running = false;
    await load;

    const timeline = () =>
      answers
        .filter((a) => a.at + a.ms >= stopAt - 500 && a.at <= backAt + 1_000)
        .map((a) => `${a.kind} +${a.at - stopAt} ms → ${a.status} in ${a.ms} ms`)
        .join('\n');
    const context = `stop took ${downAt - stopAt} ms, start ${backAt - upAt} ms\n${timeline()}`;
    // nothing answered 500 (or hung) at any time
    expect(answers.filter((a) => a.status === 0 || (a.status >= 500 && a.status !== 503)), context).toEqual([]);
    // what was asked while Redis was down: a clear 503 in the error shape, fast
    const during = answers.filter((a) => a.at >= downAt + 50 && a.at < upAt && a.kind !== 'readyz');
    expect(during.length, context).toBeGreaterThan(10);
    expect(during.filter((a) => !isUnavailableAnswer(a)), context).toEqual([]);
    expect(during.some((a) => a.kind === 'upload') && during.some((a) => a.kind === 'login')).toBe(true);
    const slowest = Math.max(...during.map((a) => a.ms));
    expect(slowest, context).toBeLessThan(FAST_MS);
    // readiness said so (every process), and said ok again afterwards
    const readyDuring = answers.filter((a) => a.kind === 'readyz' && a.at >= downAt + 50 && a.at + a.ms <= upAt);
    expect(readyDuring.length).toBeGreaterThan(0);
    expect(readyDuring.every((a) => a.status === 503)).toBe(true);
    // login works as before once Redis is back (401 for an unknown account, not 5xx)
    expect((await login()).status).toBeLessThan(500);

    // nothing lost or stuck: every accepted upload is an image that gets processed, and no refused one left a row
    const accepted = answers.filter((a) => a.kind === 'upload' && a.status === 201).map((a) => (a.body as { id: string }).id);
    const refused = during.filter((a) => a.kind === 'upload').length;
    const t0 = Date.now();
    await waitUntil(
      'every accepted image processed',
      async () => (await prisma.image.count({ where: { id: { in: accepted }, state: { not: 'PROCESSING' } } })) === accepted.length,
      60_000,
      250,
    ).catch(async (e: unknown) => {
      const stuck = await prisma.image.findMany({ where: { id: { in: accepted }, state: 'PROCESSING' }, select: { id: true, processAttempts: true } });
      const probe = queueProbe(env.redisUrl, env.prefix);
      const states = await Promise.all(
        stuck.map(async (i) => {
          const job = await probe.producer.queue('image').getJob(`image.process__${i.id}`);
          return `${i.id} attempts=${i.processAttempts} job=${job ? await job.getState() : 'none'}`;
        }),
      );
      await probe.close();
      throw new Error(`${(e as Error).message}\n${states.join('\n')}\n--- workers ---\n${workers.tail()}`);
    });
    const settleMs = Date.now() - t0;
    expect(await prisma.image.count({ where: { dossier: { examYearId: year.id } } })).toBe(accepted.length);

    figure(
      `Redis restart — ${seconds(OUTAGE_MS)} s outage: ${during.length} requests (${refused} uploads, ${during.filter((a) => a.kind === 'login').length} logins) ` +
        `answered 503 SERVICE_UNAVAILABLE in ≤ ${slowest} ms, 0 × 500, readiness 503 on all 3 processes; ` +
        `uploads accepted again ${seconds(firstUploadAfter.at + firstUploadAfter.ms - backAt)} s after Redis was back; ` +
        `${accepted.length}/${accepted.length} accepted images processed (${seconds(settleMs)} s after the load), 0 lost, 0 stuck`,
    );
  });
});
