import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reminderEventKey } from '@exam/notify';
import { jobIdFor } from '@exam/queue';
import { deadlineTick } from './deadline.service.js';
import { fanoutReminder } from './notify-reminder.service.js';
import { deliverOutbox, eventKeyOfTransition, fanoutTransition } from './notify.service.js';
import { createFixture, seedCandidate, seedYear, waitFor, type Fixture } from './test-fixtures.js';

const NOTIFY_QUEUES = ['notify', 'notify-email', 'notify-sms', 'notify-inapp'] as const;
const H = 3600_000;

describe('reminders and preferences (real Postgres, Redis, BullMQ workers and SMTP sink)', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture();
  });
  afterAll(() => f?.close());

  /** What the dossier door leaves behind when a candidate submits (the door itself lives in libs/dossier). */
  async function submit(candidateId: string, dossierId: string, from: 'DRAFT' | 'RETURNED' = 'DRAFT') {
    const to = from === 'DRAFT' ? 'PENDING_SITE' : 'PENDING_DISTRICT';
    await f.prisma.dossier.update({ where: { id: dossierId }, data: { status: to } });
    if (from === 'RETURNED') await f.prisma.return.updateMany({ where: { dossierId, closedAt: null }, data: { closedAt: f.clock.now() } });
    const t = await f.prisma.dossierTransition.create({ data: { dossierId, fromStatus: from, toStatus: to, actorType: 'CANDIDATE', actorId: candidateId } });
    await fanoutTransition(f.deps, t.id);
    return t;
  }
  const rowsOf = (candidateId: string) => f.prisma.notificationOutbox.findMany({ where: { candidateId }, orderBy: { channel: 'asc' } });

  it('the 24 h window reminder reaches exactly the candidates who have not submitted when it runs, once', async () => {
    const end = new Date(Date.now() + 23 * H);
    f.clock.set(undefined);
    const { year, site } = await seedYear(f.prisma, { uploadEnd: end });
    const draft = await seedCandidate(f.prisma, year.id, site.id, { email: 'a@example.com', phone: '13800000001', unitEmail: 'unit@example.com' });
    const submitted = await seedCandidate(f.prisma, year.id, site.id, { email: 'b@example.com', status: 'PENDING_SITE' });
    const later = await seedCandidate(f.prisma, year.id, site.id, { email: 'c@example.com' });

    // the tick schedules it (deterministic job id per exam year and kind)…
    await deadlineTick(f.deps);
    const jobId = jobIdFor('notify.reminder', { kind: 'WINDOW_CLOSING_24H', subjectId: year.id });
    expect(jobId).toBe(`notify.reminder__WINDOW_CLOSING_24H__${year.id}`);
    expect(await f.producer.queue('notify').getJob(jobId)).toBeTruthy();
    expect(await f.producer.queue('notify').getJob(jobIdFor('notify.reminder', { kind: 'WINDOW_CLOSING_2H', subjectId: year.id }))).toBeUndefined();
    // …and a candidate submits between scheduling and running: recipients are chosen when it runs
    await submit(later.candidate.id, later.dossier.id);

    const rt = f.startWorkers([...NOTIFY_QUEUES]);
    const sent = await waitFor(async () => {
      const r = await f.prisma.notificationOutbox.findMany({ where: { eventKey: reminderEventKey('WINDOW_CLOSING_24H', year.id, draft.candidate.id) } });
      return r.length === 3 && r.every((o) => o.status === 'SENT') && r;
    });
    await rt.close();
    expect(sent.map((r) => `${r.recipientType}/${r.channel}`).sort()).toEqual(['CANDIDATE/EMAIL', 'CANDIDATE/INAPP', 'CANDIDATE/SMS']);
    expect(sent.every((r) => r.expiresAt?.getTime() === end.getTime() && r.templateCode === 'WINDOW_CLOSING_24H')).toBe(true);
    expect((await rowsOf(submitted.candidate.id)).filter((r) => r.eventKey.startsWith('reminder:'))).toEqual([]);
    expect((await rowsOf(later.candidate.id)).filter((r) => r.eventKey.startsWith('reminder:'))).toEqual([]);
    const inbox = await f.prisma.inboxMessage.findMany({ where: { candidateId: draft.candidate.id } });
    expect(inbox.map((m) => m.title)).toEqual(['材料上传将于24小时后截止']);
    const mails = (await f.mails()).filter((m) => /^To: a@example\.com/m.test(m));
    expect(mails).toHaveLength(1);
    expect((await f.mails()).some((m) => /^To: unit@example\.com/m.test(m))).toBe(false); // the unit is not reminded
    expect((await f.prisma.examYear.findUniqueOrThrow({ where: { id: year.id } })).windowReminder24hAt).toBeInstanceOf(Date);

    // the tick does not schedule it again; running the job again (even with the mark lost) sends nothing new
    expect(await deadlineTick(f.deps)).toMatchObject({ reminders: 0 });
    expect(await fanoutReminder(f.deps, 'WINDOW_CLOSING_24H', year.id)).toMatchObject({ ran: false });
    await f.prisma.examYear.update({ where: { id: year.id }, data: { windowReminder24hAt: null } });
    expect(await fanoutReminder(f.deps, 'WINDOW_CLOSING_24H', year.id)).toEqual({ ran: true, candidates: 1, queued: 0 });
    expect(await f.prisma.notificationOutbox.count({ where: { eventKey: { startsWith: `reminder:WINDOW_CLOSING_24H:${year.id}` } } })).toBe(3);
    expect(await f.prisma.inboxMessage.count({ where: { candidateId: draft.candidate.id } })).toBe(1);
  });

  it('submitting cancels a pending reminder (NOT_NEEDED), and the delivery re-checks so a race sends nothing', async () => {
    const end = new Date('2026-02-11T16:00:00Z');
    f.clock.set(new Date(end.getTime() - 1.5 * H));
    const { year, site } = await seedYear(f.prisma, { uploadEnd: end });
    const a = await seedCandidate(f.prisma, year.id, site.id, { email: 'd@example.com' });
    const b = await seedCandidate(f.prisma, year.id, site.id, { email: 'e@example.com' });
    // in-app is delivered by the fan-out itself (at run time both needed it); email waits for its delivery job
    expect(await fanoutReminder(f.deps, 'WINDOW_CLOSING_2H', year.id)).toEqual({ ran: true, candidates: 2, queued: 2 });
    expect(await f.prisma.inboxMessage.count({ where: { candidateId: { in: [a.candidate.id, b.candidate.id] } } })).toBe(2);

    // a submits: the fan-out of the submission cancels a's waiting reminder row
    await submit(a.candidate.id, a.dossier.id);
    const aRows = (await rowsOf(a.candidate.id)).filter((r) => r.eventKey.startsWith('reminder:'));
    expect(aRows.map((r) => `${r.channel}/${r.status}/${r.reason}`).sort()).toEqual(['EMAIL/CANCELLED/NOT_NEEDED', 'INAPP/SENT/null']);
    for (const r of aRows) expect(await deliverOutbox(f.deps, r.id, { attemptsMade: 0 })).toBe('skipped');

    // b's dossier moves without its fan-out having run yet (the race): the delivery job checks and sends nothing
    await f.prisma.dossier.update({ where: { id: b.dossier.id }, data: { status: 'PENDING_SITE' } });
    const bEmail = (await rowsOf(b.candidate.id)).find((r) => r.eventKey.startsWith('reminder:') && r.channel === 'EMAIL')!;
    expect(await deliverOutbox(f.deps, bEmail.id, { attemptsMade: 0 })).toBe('not-needed');
    expect(await f.prisma.notificationOutbox.findUniqueOrThrow({ where: { id: bEmail.id } })).toMatchObject({ status: 'CANCELLED', reason: 'NOT_NEEDED' });
    expect((await f.mails()).some((m) => /^To: (d|e)@example\.com/m.test(m))).toBe(false);
  });

  it('return reminders: only an open return 24 h before its deadline; a row delivered after the deadline expires', async () => {
    f.clock.set(undefined);
    const { year, site } = await seedYear(f.prisma);
    const open = await seedCandidate(f.prisma, year.id, site.id, { email: 'f@example.com', status: 'RETURNED' });
    const answered = await seedCandidate(f.prisma, year.id, site.id, { email: 'g@example.com', status: 'RETURNED' });
    const deadline = new Date(Date.now() + 20 * H);
    const created = new Date(Date.now() - 52 * H);
    const mk = (dossierId: string, createdById: string) =>
      f.prisma.return.create({ data: { dossierId, level: 'SITE', createdById, deadline, createdAt: created } });
    const r1 = await mk(open.dossier.id, open.candidate.id);
    const r2 = await mk(answered.dossier.id, answered.candidate.id);
    const short = await f.prisma.return.create({
      data: { dossierId: open.dossier.id, level: 'SITE', createdById: open.candidate.id, deadline, createdAt: new Date(Date.now() - 2 * H) },
    });
    await deadlineTick(f.deps);
    const q = f.producer.queue('notify');
    expect(await q.getJob(jobIdFor('notify.reminder', { kind: 'RETURN_DEADLINE_24H', subjectId: r1.id }))).toBeTruthy();
    expect(await q.getJob(jobIdFor('notify.reminder', { kind: 'RETURN_DEADLINE_24H', subjectId: short.id }))).toBeUndefined();
    // the second candidate resubmits before the reminder runs
    await submit(answered.candidate.id, answered.dossier.id, 'RETURNED');

    expect(await fanoutReminder(f.deps, 'RETURN_DEADLINE_24H', r1.id)).toEqual({ ran: true, candidates: 1, queued: 1 });
    expect(await fanoutReminder(f.deps, 'RETURN_DEADLINE_24H', r2.id)).toEqual({ ran: true, candidates: 0, queued: 0 });
    const rows = await f.prisma.notificationOutbox.findMany({ where: { eventKey: reminderEventKey('RETURN_DEADLINE_24H', r1.id, open.candidate.id) } });
    expect(rows.every((r) => r.expiresAt?.getTime() === deadline.getTime())).toBe(true);
    const email = rows.find((r) => r.channel === 'EMAIL')!;
    const inapp = rows.find((r) => r.channel === 'INAPP')!;
    expect(inapp).toMatchObject({ status: 'SENT', provider: 'inbox' });
    expect(await deliverOutbox(f.deps, inapp.id, { attemptsMade: 0 })).toBe('skipped');
    f.clock.set(new Date(deadline.getTime() + 1000));
    expect(await deliverOutbox(f.deps, email.id, { attemptsMade: 0 })).toBe('expired');
    expect(await f.prisma.notificationOutbox.findUniqueOrThrow({ where: { id: email.id } })).toMatchObject({ status: 'EXPIRED', reason: 'EXPIRED' });
    const inbox = await f.prisma.inboxMessage.findMany({ where: { candidateId: open.candidate.id } });
    expect(inbox.map((m) => m.title)).toEqual(['补充材料将于24小时后截止']);
    f.clock.set(undefined);
  });

  it('muted optional notices are skipped per channel (CANCELLED / MUTED); mandatory ones and the unit are not', async () => {
    f.clock.set(undefined);
    const { year, site } = await seedYear(f.prisma);
    const c = await seedCandidate(f.prisma, year.id, site.id, { email: 'h@example.com', phone: '13800000002', unitEmail: 'unit2@example.com' });
    await f.prisma.candidate.update({ where: { id: c.candidate.id }, data: { notifyMuted: { EMAIL: ['SUBMITTED'], SMS: ['SUBMITTED', 'RETURNED'] } } });

    const t = await submit(c.candidate.id, c.dossier.id);
    const submittedRows = await f.prisma.notificationOutbox.findMany({ where: { eventKey: eventKeyOfTransition(t.id) } });
    expect(submittedRows.map((r) => `${r.recipientType}/${r.channel}/${r.status}/${r.reason}`).sort()).toEqual([
      'CANDIDATE/EMAIL/CANCELLED/MUTED',
      'CANDIDATE/INAPP/PENDING/null',
      'CANDIDATE/SMS/CANCELLED/MUTED',
      'UNIT/EMAIL/PENDING/null',
    ]);
    // a muted row gets no delivery job and is never sent
    const mutedEmail = submittedRows.find((r) => r.channel === 'EMAIL' && r.recipientType === 'CANDIDATE')!;
    expect(await f.producer.queue('notify-email').getJob(jobIdFor('notify.deliver-email', { outboxId: mutedEmail.id }))).toBeUndefined();
    expect(await deliverOutbox(f.deps, mutedEmail.id, { attemptsMade: 0 })).toBe('skipped');

    // RETURNED is mandatory: "muting" it (stored by hand, the API refuses it) changes nothing
    await f.prisma.dossier.update({ where: { id: c.dossier.id }, data: { status: 'RETURNED' } });
    const r = await f.prisma.dossierTransition.create({ data: { dossierId: c.dossier.id, fromStatus: 'PENDING_SITE', toStatus: 'RETURNED', actorType: 'STAFF' } });
    await fanoutTransition(f.deps, r.id);
    const returnedRows = await f.prisma.notificationOutbox.findMany({ where: { eventKey: eventKeyOfTransition(r.id) } });
    expect(returnedRows).toHaveLength(4);
    expect(returnedRows.every((x) => x.status === 'PENDING' && x.reason === null)).toBe(true);
  });
});
