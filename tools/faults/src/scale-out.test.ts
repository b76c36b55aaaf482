// Many machines (issue 9 item 4): two material-service instances and two worker processes behind the gateway,
// against one Postgres, one Redis and one S3-compatible object store (s3rver) — the shape a province runs, on one box.
// The upload race holds across instances (50 parallel uploads into a 2-image category keep exactly 2), images are
// processed by both workers from the shared bucket, and the deadline lock runs once when both workers start at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '@exam/db';
import { COMPLETE_GRADUATE_IMAGES, loginAs, makeJpeg, seedCandidate, seedImage, startTestS3, type TestS3 } from '@exam/testing';
import { startWebServer } from '@exam/web-server';
import {
  GRADUATE_SLOTS,
  figure,
  seedCandidates,
  seedOpenYear,
  startProcess,
  upload,
  waitUntil,
  type Env,
  type SystemProcess,
  openFaultContext,
  type FaultContext,
} from './harness.js';

/** The sum of a Prometheus counter or histogram `_count` over the series whose labels contain `labels`. */
async function metricSum(base: string, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && l.includes(labels))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('two material-service instances and two workers behind the gateway, one Postgres, Redis and object store', () => {
  let f: FaultContext;
  let prisma: PrismaClient;
  let env: Env;
  let s3: TestS3;
  const procs: SystemProcess[] = [];
  let gateway: { url: string; close(): Promise<void> } | undefined;
  let materials: SystemProcess[] = [];
  let workers: SystemProcess[] = [];

  beforeAll(async () => {
    f = await openFaultContext();
    ({ prisma, env } = f);
    s3 = await startTestS3();
    // one worker's concurrency each: with two of them, both take a share of the images
    [materials, workers] = await Promise.all([
      Promise.all([startProcess('material-service', env, s3.env), startProcess('material-service', env, s3.env)]),
      Promise.all([startProcess('workers', env, { ...s3.env, WORKER_CONCURRENCY: '1' }), startProcess('workers', env, { ...s3.env, WORKER_CONCURRENCY: '1' })]),
    ]);
    procs.push(...materials, ...workers);
    gateway = await startWebServer({ root: env.dataDir, port: 0, host: '127.0.0.1', proxy: { '/api/material': materials.map((m) => m.base) } });
  }, 180_000);
  afterAll(async () => {
    await gateway?.close();
    await f?.close(procs);
    await s3?.close();
  });

  it('keeps exactly 2 of 50 parallel uploads into a 2-image category, across both instances', { timeout: 120_000 }, async () => {
    const { year, site } = await seedOpenYear(prisma);
    const [candidate] = await seedCandidates(prisma, year, site, 1);
    const photo = await makeJpeg(640, 480, 60);
    const before = await Promise.all(materials.map((m) => metricSum(m.base, 'http_request_duration_seconds_count', 'method="POST"')));
    const answers = await Promise.all(Array.from({ length: 50 }, () => upload(gateway!.url, candidate!.auth, 'ID_CARD', photo, 60_000)));
    const after = await Promise.all(materials.map((m) => metricSum(m.base, 'http_request_duration_seconds_count', 'method="POST"')));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(2);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(48);
    expect(await prisma.image.count({ where: { dossier: { candidateId: candidate!.candidateId }, categoryCode: 'ID_CARD' } })).toBe(2);
    // the gateway took turns: each instance answered half of them
    expect(after.map((n, i) => n - before[i]!)).toEqual([25, 25]);
    figure(`scale-out upload race — 50 parallel uploads through the gateway to 2 material-service instances (25 each): 2 accepted, 48 × 409, 2 rows`);
  });

  it('processes images from the shared bucket on both workers: every one 合格, each worker a share', { timeout: 180_000 }, async () => {
    const { year, site } = await seedOpenYear(prisma);
    const candidates = await seedCandidates(prisma, year, site, 4);
    const photos = await Promise.all(Array.from({ length: 4 }, () => makeJpeg(640, 480, 60)));
    const slots = GRADUATE_SLOTS.slice(0, 10);
    const jobsRun = () => Promise.all(workers.map((w) => metricSum(w.base, 'exam_job_duration_seconds_count', 'job="image.process"')));
    const before = await jobsRun();
    const ids: string[] = [];
    await Promise.all(
      candidates.map(async (c, ci) => {
        for (const [si, slot] of slots.entries()) {
          const a = await upload(gateway!.url, c.auth, slot, photos[(ci + si) % photos.length]!, 60_000);
          expect(a.status).toBe(201);
          ids.push((a.body as { id: string }).id);
        }
      }),
    );
    await waitUntil(
      'every image processed',
      async () => (await prisma.image.count({ where: { id: { in: ids }, state: 'READY' } })) === ids.length,
      150_000,
      250,
    );
    const shares = (await jobsRun()).map((n, i) => n - before[i]!);
    expect(shares.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(ids.length);
    for (const s of shares) expect(s).toBeGreaterThan(0);
    figure(`scale-out images — ${ids.length} uploads through the gateway all READY from one S3-compatible bucket; processed ${shares.join(' + ')} by the two workers`);
  });

  it('locks a year whose deadline passed once when both workers start at the same moment', { timeout: 180_000 }, async () => {
    // a year whose window has ended, with a complete draft (auto-submitted at the lock) and an empty one (逾期未提交)
    const { year, site } = await seedOpenYear(prisma, { uploadEnd: new Date(Date.now() - 60_000) });
    const draft = async (images: readonly string[]) => {
      const c = await seedCandidate(prisma, year, site);
      const d = await prisma.dossier.create({ data: { candidateId: c.id, examYearId: year.id, siteId: site.id, status: 'DRAFT' } });
      for (const categoryCode of images) await seedImage(prisma, d.id, { categoryCode });
      await loginAs(prisma, { role: 'CANDIDATE', candidateId: c.id });
      return d.id;
    };
    const complete = await draft(COMPLETE_GRADUATE_IMAGES);
    const empty = await draft([]);
    // both workers stopped, then started together: each runs its start-up catch-up against the same year
    await Promise.all(workers.map((w) => w.stop()));
    const restarted = await Promise.all([startProcess('workers', env, s3.env), startProcess('workers', env, s3.env)]);
    procs.push(...restarted);
    workers = restarted;
    const statuses = await waitUntil(
      'the year locked',
      async () => {
        const rows = await prisma.dossier.findMany({ where: { id: { in: [complete, empty] } }, select: { id: true, status: true } });
        const by = new Map(rows.map((r) => [r.id, r.status]));
        return by.get(complete) !== 'DRAFT' && by.get(empty) !== 'DRAFT' && by;
      },
      120_000,
      250,
    );
    expect(statuses.get(complete)).toBe('PENDING_SITE');
    expect(statuses.get(empty)).toBe('NOT_SUBMITTED');
    // once: one transition per dossier, and a second look a little later finds nothing more
    await new Promise((r) => setTimeout(r, 2_000));
    const transitions = await prisma.dossierTransition.findMany({ where: { dossierId: { in: [complete, empty] } } });
    expect(transitions.map((t) => `${t.dossierId === complete ? 'complete' : 'empty'} ${t.fromStatus}→${t.toStatus}`).sort()).toEqual([
      'complete DRAFT→PENDING_SITE',
      'empty DRAFT→NOT_SUBMITTED',
    ]);
    const runs = await Promise.all(workers.map((w) => metricSum(w.base, 'exam_job_duration_seconds_count', 'job="deadline.lock-year"')));
    figure(`scale-out deadline — both workers started at once after the deadline: the year locked once (1 transition per dossier; lock job runs ${runs.join(' + ')})`);
  });
});
