import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { Worker } from 'bullmq';
import { createRedisConnection, jobIdFor } from '@exam/queue';
import { AUTO_SUBMIT_REASON, NOT_SUBMITTED_REASON, deadlineTick, expireReturn, lockExamYear, sweepStuck } from './deadline.service.js';
import { registerDeadlineSchedules } from './deadline.job.js';
import { createFixture, seedCandidate, seedImage, seedYear, waitFor, type Fixture } from './test-fixtures.js';

const MIN = 60_000;

describe('deadline jobs (real Postgres, Redis and BullMQ worker)', () => {
  let f: Fixture;
  let jpeg: Buffer;
  beforeAll(async () => {
    f = await createFixture();
    jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#eee' } }).jpeg().toBuffer();
  });
  afterAll(() => f?.close());

  it('locks a year at its deadline: auto-submits a DRAFT dossier with images, marks an empty one NOT_SUBMITTED; twice = same', async () => {
    const { year, site } = await seedYear(f.prisma, { uploadEnd: new Date(Date.now() - MIN) });
    const withImages = await seedCandidate(f.prisma, year.id, site.id);
    const empty = await seedCandidate(f.prisma, year.id, site.id);
    const onlyDeleted = await seedCandidate(f.prisma, year.id, site.id);
    const submitted = await seedCandidate(f.prisma, year.id, site.id, { status: 'PENDING_SITE' });
    await seedImage(f, withImages.dossier.id, jpeg);
    const gone = await seedImage(f, onlyDeleted.dossier.id, jpeg);
    await f.prisma.image.update({ where: { id: gone.id }, data: { deletedAt: new Date() } });

    const rt = f.startWorkers(['deadline']);
    await f.producer.add('deadline.lock-year', { examYearId: year.id });
    await waitFor(async () => (await f.prisma.examYear.findUniqueOrThrow({ where: { id: year.id } })).deadlineProcessedAt);
    await rt.close();

    const state = async () =>
      f.prisma.dossier.findMany({
        where: { examYearId: year.id },
        orderBy: { id: 'asc' },
        select: { id: true, status: true, autoSubmitted: true, version: true, transitions: { select: { id: true, fromStatus: true, toStatus: true, actorType: true, reason: true } } },
      });
    const after = await state();
    const byId = (id: string) => after.find((d) => d.id === id);
    expect(byId(withImages.dossier.id)).toMatchObject({
      status: 'PENDING_SITE',
      autoSubmitted: true,
      transitions: [{ fromStatus: 'DRAFT', toStatus: 'PENDING_SITE', actorType: 'SYSTEM', reason: AUTO_SUBMIT_REASON }],
    });
    expect(byId(empty.dossier.id)).toMatchObject({
      status: 'NOT_SUBMITTED',
      autoSubmitted: false,
      transitions: [{ toStatus: 'NOT_SUBMITTED', reason: NOT_SUBMITTED_REASON }],
    });
    expect(byId(onlyDeleted.dossier.id)?.status).toBe('NOT_SUBMITTED');
    expect(byId(submitted.dossier.id)).toMatchObject({ status: 'PENDING_SITE', transitions: [] });

    // one notify.fanout per transition
    const fanouts = await f.producer.queue('notify').getJobs(['waiting']);
    const transitionIds = after.flatMap((d) => d.transitions.map((t) => t.id));
    expect(fanouts.map((j) => j.data as { transitionId: string }).map((d) => d.transitionId).sort()).toEqual(transitionIds.sort());

    // twice = same result
    await f.prisma.examYear.update({ where: { id: year.id }, data: { deadlineProcessedAt: null } });
    expect(await lockExamYear(f.deps, year.id)).toEqual({ autoSubmitted: 0, notSubmitted: 0 });
    expect(await state()).toEqual(after);
  });

  it('leaves dossiers with images NOT_SUBMITTED when the year does not auto-submit', async () => {
    const { year, site } = await seedYear(f.prisma, { uploadEnd: new Date(Date.now() - MIN), autoSubmitAtDeadline: false });
    const c = await seedCandidate(f.prisma, year.id, site.id);
    await seedImage(f, c.dossier.id, jpeg);
    expect(await lockExamYear(f.deps, year.id)).toEqual({ autoSubmitted: 0, notSubmitted: 1 });
    expect(await f.prisma.dossier.findUniqueOrThrow({ where: { id: c.dossier.id } })).toMatchObject({ status: 'NOT_SUBMITTED', autoSubmitted: false });
  });

  it('does not lock a year whose window is still open', async () => {
    const { year, site } = await seedYear(f.prisma, { uploadEnd: new Date(Date.now() + 60 * MIN) });
    const c = await seedCandidate(f.prisma, year.id, site.id);
    expect(await lockExamYear(f.deps, year.id)).toBeNull();
    expect((await f.prisma.dossier.findUniqueOrThrow({ where: { id: c.dossier.id } })).status).toBe('DRAFT');
  });

  it('tick queues the lock of due years and the expiry of due returns only', async () => {
    const due = await seedYear(f.prisma, { uploadEnd: new Date(Date.now() - MIN) });
    const open = await seedYear(f.prisma, { uploadEnd: new Date(Date.now() + 60 * MIN) });
    const c = await seedCandidate(f.prisma, open.year.id, open.site.id, { status: 'RETURNED' });
    const dueReturn = await f.prisma.return.create({
      data: { dossierId: c.dossier.id, level: 'SITE', createdById: c.candidate.id, deadline: new Date(Date.now() - MIN) },
    });
    const laterReturn = await f.prisma.return.create({
      data: { dossierId: c.dossier.id, level: 'SITE', createdById: c.candidate.id, deadline: new Date(Date.now() + 60 * MIN) },
    });
    await deadlineTick(f.deps);
    const q = f.producer.queue('deadline');
    expect(await q.getJob(jobIdFor('deadline.lock-year', { examYearId: due.year.id }))).toBeTruthy();
    expect(await q.getJob(jobIdFor('deadline.lock-year', { examYearId: open.year.id }))).toBeUndefined();
    expect(await q.getJob(jobIdFor('deadline.expire-return', { returnId: dueReturn.id }))).toBeTruthy();
    expect(await q.getJob(jobIdFor('deadline.expire-return', { returnId: laterReturn.id }))).toBeUndefined();
  });

  it('expires a return: the dossier goes to district review with a SYSTEM transition; twice = same', async () => {
    const { year, site } = await seedYear(f.prisma);
    const c = await seedCandidate(f.prisma, year.id, site.id, { status: 'RETURNED' });
    const ret = await f.prisma.return.create({
      data: { dossierId: c.dossier.id, level: 'SITE', createdById: c.candidate.id, deadline: new Date(Date.now() - MIN) },
    });
    expect(await expireReturn(f.deps, ret.id)).toBe('expired');
    expect(await expireReturn(f.deps, ret.id)).toBe('skipped');
    expect((await f.prisma.return.findUniqueOrThrow({ where: { id: ret.id } })).closedAt).toBeInstanceOf(Date);
    const d = await f.prisma.dossier.findUniqueOrThrow({ where: { id: c.dossier.id }, include: { transitions: true } });
    expect(d.status).toBe('PENDING_DISTRICT');
    expect(d.transitions).toHaveLength(1);
    expect(d.transitions[0]).toMatchObject({ fromStatus: 'RETURNED', toStatus: 'PENDING_DISTRICT', actorType: 'SYSTEM' });
    expect(await f.producer.queue('notify').getJob(jobIdFor('notify.fanout', { transitionId: d.transitions[0]?.id ?? '' }))).toBeTruthy();
  });

  it('sweeper re-queues images stuck in PROCESSING and retries a failed job instead of adding one', async () => {
    const { year, site } = await seedYear(f.prisma);
    const c = await seedCandidate(f.prisma, year.id, site.id);
    const stuck = await seedImage(f, c.dossier.id, jpeg, { uploadedAt: new Date(Date.now() - 10 * MIN) });
    const fresh = await seedImage(f, c.dossier.id, jpeg);
    const q = f.producer.queue('image');
    expect((await sweepStuck(f.deps)).images).toBeGreaterThanOrEqual(1);
    const id = jobIdFor('image.process', { imageId: stuck.id });
    const job = await q.getJob(id);
    expect(job).toBeTruthy();
    expect(await q.getJob(jobIdFor('image.process', { imageId: fresh.id }))).toBeUndefined();

    // make that job a kept failure (a real worker fails it, one attempt), then sweep again: it is retried
    await job?.remove();
    await q.add('image.process', { imageId: stuck.id }, { jobId: id, attempts: 1 });
    const conn = createRedisConnection(f.redisUrl, 'worker');
    const failing = new Worker('image', async () => {
      throw new Error('storage unavailable');
    }, { connection: conn, prefix: f.prefix });
    await waitFor(async () => (await q.getJob(id).then((j) => j?.getState())) === 'failed');
    await failing.close();
    await conn.quit();
    await sweepStuck(f.deps);
    const retried = await q.getJob(id);
    expect(await retried?.getState()).toBe('waiting');
    expect(retried?.failedReason ?? '').toBe('');
  });

  it('sweeper gives up on an image whose 3 processing runs brought no result: 不合格 处理失败，请重新上传, not re-queued', async () => {
    const { year, site } = await seedYear(f.prisma);
    const c = await seedCandidate(f.prisma, year.id, site.id);
    const longAgo = new Date(Date.now() - 30 * MIN);
    const spent = await seedImage(f, c.dossier.id, jpeg, { uploadedAt: longAgo, processAttempts: 3 });
    const oneLeft = await seedImage(f, c.dossier.id, jpeg, { uploadedAt: longAgo, processAttempts: 2 });
    const q = f.producer.queue('image');
    const r = await sweepStuck(f.deps);
    expect(r.imagesFailed).toBe(1);
    expect(await f.prisma.image.findUniqueOrThrow({ where: { id: spent.id } })).toMatchObject({
      state: 'REJECTED',
      reason: '处理失败，请重新上传',
    });
    expect(await q.getJob(jobIdFor('image.process', { imageId: spent.id }))).toBeUndefined();
    expect(await q.getJob(jobIdFor('image.process', { imageId: oneLeft.id }))).toBeTruthy();
    expect((await f.prisma.image.findUniqueOrThrow({ where: { id: oneLeft.id } })).state).toBe('PROCESSING');
    // sweeping again changes nothing for the rejected one
    expect((await sweepStuck(f.deps)).imagesFailed).toBe(0);
  });

  it('sweeper deletes sessions a day after they expired or were logged out, and keeps live ones', async () => {
    const now = Date.now();
    const mk = (id: string, data: { expiresAt: Date; revokedAt?: Date }) =>
      f.prisma.session.create({ data: { id: id.padEnd(64, '0'), role: 'ADMIN', csrfToken: 'c'.repeat(43), ...data } });
    await mk('a', { expiresAt: new Date(now - 2 * 24 * 3600_000) });
    await mk('b', { expiresAt: new Date(now + 3600_000), revokedAt: new Date(now - 2 * 24 * 3600_000) });
    await mk('c', { expiresAt: new Date(now + 3600_000) });
    await mk('d', { expiresAt: new Date(now - 3600_000) });
    expect((await sweepStuck(f.deps)).sessions).toBe(2);
    expect((await f.prisma.session.findMany({ select: { id: true } })).map((s) => s.id[0]).sort()).toEqual(['c', 'd']);
  });

  it('registers the repeatable tick, sweep, raw-upload purge and audit retention once, however often workers start', async () => {
    await registerDeadlineSchedules(f.producer);
    await registerDeadlineSchedules(f.producer);
    const schedulers = await f.producer.queue('deadline').getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual(['deadline.audit-retention', 'deadline.purge-raw', 'deadline.sweep', 'deadline.tick']);
  });
});
