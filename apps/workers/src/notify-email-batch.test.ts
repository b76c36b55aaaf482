import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reminderEventKey } from '@exam/notify';
import { EMAIL_BATCH } from '@exam/queue';
import { fanoutReminder } from './notify-reminder.service.js';
import { deliverEmailBatch } from './notify.service.js';
import { createFixture, scriptedSmtp, seedCandidate, seedYear, waitFor, type Fixture } from './test-fixtures.js';

const H = 3600_000;

describe('a reminder’s mails in batches (notify.deliver-email-batch; real Postgres, Redis, BullMQ, SMTP)', () => {
  let f: Fixture;
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    f = await createFixture();
  });
  afterAll(async () => {
    for (const c of closers) await c();
    await f?.close();
  });

  /** A year closing in 23 h with `n` candidates who have not submitted, each with an email address. */
  async function closingYear(n: number, email: (i: number) => string) {
    f.clock.set(undefined);
    const { year, site } = await seedYear(f.prisma, { uploadEnd: new Date(Date.now() + 23 * H) });
    const people = [];
    for (let i = 0; i < n; i++) people.push(await seedCandidate(f.prisma, year.id, site.id, { email: email(i) }));
    return { year, people };
  }
  const emailRows = (yearId: string) =>
    f.prisma.notificationOutbox.findMany({ where: { eventKey: { startsWith: `reminder:WINDOW_CLOSING_24H:${yearId}:` }, channel: 'EMAIL' } });

  it('queues one job per 50 mails after every in-app notice exists, and sends each mail once even when a batch runs twice', async () => {
    const n = EMAIL_BATCH * 2 + 7;
    const { year, people } = await closingYear(n, (i) => `batch${i}@example.com`);
    const run = await fanoutReminder(f.deps, 'WINDOW_CLOSING_24H', year.id);
    expect(run).toMatchObject({ candidates: n, queued: n, ran: true });
    // every in-app notice is written by the fan-out itself, before any mail is sent
    expect(await f.prisma.inboxMessage.count({ where: { candidateId: { in: people.map((p) => p.candidate.id) } } })).toBe(n);
    const jobs = await f.producer.queue('notify-email').getJobs(['waiting', 'prioritized', 'delayed']);
    const batches = jobs.filter((j) => j.name === 'notify.deliver-email-batch');
    expect(batches.map((j) => (j.data as { outboxIds: string[] }).outboxIds.length).sort((a, b) => a - b)).toEqual([7, EMAIL_BATCH, EMAIL_BATCH]);
    expect(jobs.filter((j) => j.name === 'notify.deliver-email')).toHaveLength(0);

    const rt = f.startWorkers(['notify-email']);
    await waitFor(async () => (await emailRows(year.id)).every((r) => r.status === 'SENT'));
    await rt.close();
    // a batch run again (a worker that died after sending, BullMQ's retry) finds nothing left to send
    for (const b of batches) expect(await deliverEmailBatch(f.deps, (b.data as { outboxIds: string[] }).outboxIds, { attemptsMade: 1 })).toEqual({ skipped: (b.data as { outboxIds: string[] }).outboxIds.length });
    const rows = await emailRows(year.id);
    expect(rows.every((r) => r.provider === 'smtp' && r.providerMessageId === `<${r.id}@notify.exam.local>` && r.attempts === 1 && r.sentAt)).toBe(true);
    const mails = await f.mails();
    for (let i = 0; i < n; i++) expect(mails.filter((m) => new RegExp(`^To: batch${i}@example\\.com$`, 'm').test(m))).toHaveLength(1);
  });

  it('one deferred mail (4xx) stays PENDING and fails the job for a retry; one refused (5xx) fails for good; the rest are SENT', async () => {
    const smtp = await scriptedSmtp((_n, to) =>
      to.startsWith('later') ? { code: 451, text: '4.3.0 Temporary local problem, try again' } : to.startsWith('never') ? { code: 554, text: '5.7.1 Message refused' } : null,
    );
    closers.push(smtp.close, () => smtp.sender.close());
    const { year } = await closingYear(6, (i) => (i === 1 ? 'later@example.com' : i === 4 ? 'never@example.com' : `ok${i}@example.com`));
    await fanoutReminder(f.deps, 'WINDOW_CLOSING_24H', year.id);
    const ids = (await emailRows(year.id)).map((r) => r.id);
    const deps = { ...f.deps, email: smtp.sender };

    await expect(deliverEmailBatch(deps, ids, { attemptsMade: 0, maxAttempts: 8 })).rejects.toThrow(/451/);
    const byAddress = async () => new Map((await emailRows(year.id)).map((r) => [r.address, r]));
    let rows = await byAddress();
    expect(rows.get('later@example.com')).toMatchObject({ status: 'PENDING', reason: 'SMTP_TEMPORARY', attempts: 1 });
    expect(rows.get('never@example.com')).toMatchObject({ status: 'FAILED', reason: 'SMTP_REJECTED', lastError: expect.stringContaining('554') });
    expect([...rows.values()].filter((r) => r.status === 'SENT').map((r) => r.address).sort()).toEqual(['ok0@example.com', 'ok2@example.com', 'ok3@example.com', 'ok5@example.com']);

    // the retry takes only the row still PENDING; on the job's last attempt a deferral is final (the job is kept as failed)
    await expect(deliverEmailBatch(deps, ids, { attemptsMade: 7, maxAttempts: 8 })).rejects.toThrow(/451/);
    rows = await byAddress();
    expect(rows.get('later@example.com')).toMatchObject({ status: 'FAILED', reason: 'SMTP_TEMPORARY', attempts: 2 });
    expect(smtp.attempts()).toBe(7); // 6 the first time, the deferred one once more
    expect(smtp.accepted.sort()).toEqual(['ok0@example.com', 'ok2@example.com', 'ok3@example.com', 'ok5@example.com']);
  });

  it('a candidate who submitted after the fan-out gets no mail; a mail still in flight elsewhere is not sent again', async () => {
    const { year, people } = await closingYear(3, (i) => `late${i}@example.com`);
    await fanoutReminder(f.deps, 'WINDOW_CLOSING_24H', year.id);
    const row = async (i: number) =>
      f.prisma.notificationOutbox.findFirstOrThrow({ where: { eventKey: reminderEventKey('WINDOW_CLOSING_24H', year.id, people[i]!.candidate.id), channel: 'EMAIL' } });
    await f.prisma.dossier.update({ where: { id: people[0]!.dossier.id }, data: { status: 'PENDING_SITE' } });
    await f.prisma.notificationOutbox.update({ where: { id: (await row(1)).id }, data: { status: 'SENDING', lastAttemptAt: new Date() } });
    const ids = await Promise.all([0, 1, 2].map(async (i) => (await row(i)).id));

    // the in-flight row makes the job come back later; the others are decided now
    await expect(deliverEmailBatch(f.deps, ids, { attemptsMade: 0 })).rejects.toThrow(/may still be waiting/);
    expect(await row(0)).toMatchObject({ status: 'CANCELLED', reason: 'NOT_NEEDED' });
    expect(await row(1)).toMatchObject({ status: 'SENDING' });
    expect(await row(2)).toMatchObject({ status: 'SENT' });
    const mails = await f.mails();
    expect(mails.filter((m) => /^To: late0@example\.com$/m.test(m))).toHaveLength(0);
    expect(mails.filter((m) => /^To: late1@example\.com$/m.test(m))).toHaveLength(0);
  });
});
