// Fault 5: the upload deadline passes while every worker is down. The services check the window themselves, so
// every write (upload, delete, submit) is refused from T+0 on; when a worker starts, its catch-up locks the year as
// its rules say (a draft with images auto-submitted when the year says so, NOT_SUBMITTED otherwise).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '@exam/db';
import { COMPLETE_GRADUATE_IMAGES, loginAs, makeJpeg, seedCandidate, seedImage } from '@exam/testing';
import {
  call,
  figure,
  seconds,
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

describe('the deadline passes while every worker is down', () => {
  let f: FaultContext;
  let prisma: PrismaClient;
  let env: Env;
  const procs: SystemProcess[] = [];

  beforeAll(async () => {
    f = await openFaultContext();
    ({ prisma, env } = f);
  });
  afterAll(() => f?.close(procs));

  it('refuses every write at T+0 and locks the year when a worker starts', { timeout: 120_000 }, async () => {
    const material = await startProcess('material-service', env);
    procs.push(material);

    // two open years (one that does not auto-submit), no worker running
    const auto = await seedOpenYear(prisma);
    const manual = await seedOpenYear(prisma);
    await prisma.examYear.update({ where: { id: manual.year.id }, data: { autoSubmitAtDeadline: false } });
    const draft = async (y: typeof auto, images: readonly string[]) => {
      const c = await seedCandidate(prisma, y.year, y.site);
      const d = await prisma.dossier.create({ data: { candidateId: c.id, examYearId: y.year.id, siteId: y.site.id, status: 'DRAFT' } });
      const imgs = [];
      for (const categoryCode of images) imgs.push(await seedImage(prisma, d.id, { categoryCode }));
      return { candidateId: c.id, dossierId: d.id, images: imgs, auth: await loginAs(prisma, { role: 'CANDIDATE', candidateId: c.id }) };
    };
    const complete = await draft(auto, COMPLETE_GRADUATE_IMAGES); // complete: only the window can refuse its submit
    const empty = await draft(auto, []);
    const noAuto = await draft(manual, COMPLETE_GRADUATE_IMAGES);
    const photo = await makeJpeg(640, 480, 60);

    // the window is open; then both windows are set to end in 1.5 s
    const before = await upload(material.base, complete.auth, 'DEGREE_CERT', photo);
    expect(before.status).toBe(201);
    const deadline = new Date(Date.now() + 1_500);
    await prisma.examYear.updateMany({ where: { id: { in: [auto.year.id, manual.year.id] } }, data: { uploadEnd: deadline } });

    // T+0: upload, delete and submit, all at once
    await sleep(deadline.getTime() - Date.now());
    while (Date.now() < deadline.getTime()) await sleep(1);
    const T = deadline.getTime();
    const writes: Answer[] = await Promise.all([
      upload(material.base, complete.auth, 'DEGREE_CERT', photo),
      call(`${material.base}/api/material/images/${complete.images[0]!.id}`, { method: 'DELETE', headers: complete.auth }),
      call(`${material.base}/api/material/dossier/submit`, { method: 'POST', headers: complete.auth }),
      upload(material.base, noAuto.auth, 'DEGREE_CERT', photo),
      call(`${material.base}/api/material/dossier/submit`, { method: 'POST', headers: noAuto.auth }),
    ]);
    const sentAt = Math.max(...writes.map((w) => w.at)) - T;
    for (const w of writes) {
      expect(w.status).toBe(409);
      expect(w.body).toMatchObject({ error: { code: 'WINDOW_CLOSED' } });
    }
    const answeredBy = Math.max(...writes.map((w) => w.at + w.ms)) - T;
    // nothing changed meanwhile: no worker, the dossiers are still drafts
    expect((await prisma.dossier.findMany({ where: { id: { in: [complete.dossierId, empty.dossierId, noAuto.dossierId] } } })).map((d) => d.status)).toEqual([
      'DRAFT',
      'DRAFT',
      'DRAFT',
    ]);
    expect(await prisma.image.count({ where: { id: complete.images[0]!.id, deletedAt: null } })).toBe(1);

    // a worker starts a while after the deadline: its catch-up locks both years
    await sleep(1_000);
    const startAt = Date.now();
    procs.push(await startProcess('workers', env));
    const readyMs = Date.now() - startAt;
    const lockedMs = await waitUntil(
      'both years locked',
      async () => {
        const years = await prisma.examYear.findMany({ where: { id: { in: [auto.year.id, manual.year.id] } } });
        return years.every((y) => y.deadlineProcessedAt) ? Date.now() - startAt : undefined;
      },
      60_000,
      100,
    );
    const status = async (id: string) => (await prisma.dossier.findUniqueOrThrow({ where: { id } })).status;
    expect(await status(complete.dossierId)).toBe('PENDING_SITE'); // 截止自动提交
    expect(await status(empty.dossierId)).toBe('NOT_SUBMITTED'); // nothing uploaded
    expect(await status(noAuto.dossierId)).toBe('NOT_SUBMITTED'); // the year does not auto-submit
    const reasons = await prisma.dossierTransition.findMany({ where: { dossierId: complete.dossierId }, select: { toStatus: true, reason: true } });
    expect(reasons).toContainEqual(expect.objectContaining({ toStatus: 'PENDING_SITE', reason: '截止自动提交' }));
    // and the window stays shut for the candidates
    expect((await upload(material.base, empty.auth, 'ID_CARD', photo)).status).toBe(409);

    figure(
      `deadline with every worker down — upload, delete and submit sent at T+${sentAt} ms all refused 409 WINDOW_CLOSED (answered by T+${answeredBy} ms); ` +
        `the worker started T+${seconds(startAt - T)} s (ready after ${seconds(readyMs)} s) locked both years ${seconds(lockedMs)} s after its start ` +
        `(1 auto-submitted 截止自动提交, 2 NOT_SUBMITTED per the years' rules)`,
    );
  });
});
