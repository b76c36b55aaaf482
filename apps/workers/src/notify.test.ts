import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_FLIGHT_MS, classifySmtpError, type EmailSender } from '@exam/notify';
import { DELIVERY_JOB, jobIdFor } from '@exam/queue';
import { sweepStuck } from './deadline.service.js';
import { deliverOutbox, eventKeyOfResult, eventKeyOfTransition, fanoutPublication, fanoutTransition } from './notify.service.js';
import { createFixture, seedCandidate, seedYear, waitFor, type Fixture } from './test-fixtures.js';

const NOTIFY_QUEUES = ['notify', 'notify-email', 'notify-sms', 'notify-inapp'] as const;

describe('notify.fanout + delivery per channel (real Postgres, Redis, BullMQ workers and SMTP sink)', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture();
  });
  afterAll(() => f?.close());

  async function submitted(opts: Parameters<typeof seedCandidate>[3] = {}) {
    const { year, site } = await seedYear(f.prisma);
    const { candidate, dossier } = await seedCandidate(f.prisma, year.id, site.id, opts);
    await f.prisma.dossier.update({ where: { id: dossier.id }, data: { status: 'PENDING_SITE' } });
    const t = await f.prisma.dossierTransition.create({
      data: { dossierId: dossier.id, fromStatus: 'DRAFT', toStatus: 'PENDING_SITE', actorType: 'CANDIDATE', actorId: candidate.id },
    });
    return { candidate, dossier, transition: t, eventKey: eventKeyOfTransition(t.id) };
  }

  it('delivers one inbox message, one mail and one SMS per recipient, each from its own queue, even when fan-out and delivery run twice', async () => {
    const { candidate, transition: t, eventKey } = await submitted({
      email: 'zhangsan@example.com',
      phone: '13800000000',
      unitEmail: 'hr@hospital.example.com',
    });

    const rt = f.startWorkers([...NOTIFY_QUEUES]);
    await f.producer.add('notify.fanout', { transitionId: t.id });
    const rows = await waitFor(async () => {
      const r = await f.prisma.notificationOutbox.findMany({ where: { eventKey } });
      return r.length === 4 && r.every((o) => o.status === 'SENT') && r;
    });
    await rt.close();
    expect(rows.map((r) => `${r.recipientType}/${r.channel}/${r.provider}`).sort()).toEqual([
      'CANDIDATE/EMAIL/smtp',
      'CANDIDATE/INAPP/inbox',
      'CANDIDATE/SMS/file',
      'UNIT/EMAIL/smtp',
    ]);
    expect(rows.every((r) => r.templateCode === 'SUBMITTED' && r.sentAt && r.attempts === 1 && r.reason === null)).toBe(true);
    expect(rows.find((r) => r.channel === 'EMAIL')?.providerMessageId).toMatch(/@notify\.exam\.local>$/);
    for (const r of rows) {
      const job = await f.producer.queue(`notify-${r.channel.toLowerCase()}` as 'notify-email').getJob(jobIdFor(DELIVERY_JOB[r.channel], { outboxId: r.id }));
      expect(job?.name).toBe(DELIVERY_JOB[r.channel]);
    }

    // run everything again, directly: nothing new is created or sent
    expect(await fanoutTransition(f.deps, t.id)).toBe(0);
    for (const r of rows) expect(await deliverOutbox(f.deps, r.id, { attemptsMade: 0 })).toBe('skipped');
    expect(await f.prisma.notificationOutbox.count({ where: { eventKey } })).toBe(4);

    const inbox = await f.prisma.inboxMessage.findMany({ where: { candidateId: candidate.id } });
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ title: '报名材料提交成功' });
    expect(inbox[0]?.body).toContain('张三');

    const mails = await f.mails();
    expect(mails).toHaveLength(2);
    expect(mails.filter((m) => /^To: zhangsan@example\.com/m.test(m))).toHaveLength(1);
    expect(mails.filter((m) => /^To: hr@hospital\.example\.com/m.test(m))).toHaveLength(1);
    // a text and an HTML body, in Chinese, marked as an automatic notice
    expect(mails[0]).toMatch(/Content-Type: multipart\/alternative/);
    expect(mails[0]).toMatch(/Content-Type: text\/plain; charset=utf-8/);
    expect(mails[0]).toMatch(/Content-Type: text\/html; charset=utf-8/);
    expect(mails[0]).toMatch(/^Auto-Submitted: auto-generated/m);

    const sms = (await readFile(join(f.smsDir, 'sms.jsonl'), 'utf8')).trim().split('\n');
    expect(sms).toHaveLength(1);
    const smsRow = rows.find((r) => r.channel === 'SMS')!;
    expect(JSON.parse(sms[0] ?? '{}')).toMatchObject({ to: '13800000000', templateCode: 'SUBMITTED', outId: smsRow.id });
  });

  it('a delivery job run twice (crash after the send) delivers once', async () => {
    const { eventKey, transition } = await submitted({ email: 'wangwu@example.com' });
    await fanoutTransition(f.deps, transition.id);
    const row = await f.prisma.notificationOutbox.findFirstOrThrow({ where: { eventKey, channel: 'EMAIL' } });
    const start = new Date();
    f.clock.set(start);
    try {
      // the first run hands the mail to the server, then its process dies before it records anything
      const dying: EmailSender = {
        send: async (msg) => {
          await f.email.send(msg);
          return new Promise<never>(() => undefined);
        },
        close: async () => undefined,
      };
      void deliverOutbox({ ...f.deps, email: dying }, row.id, { attemptsMade: 0 });
      await waitFor(async () => (await f.mails()).some((m) => /^To: wangwu@example\.com/m.test(m)));
      expect(await f.prisma.notificationOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'SENDING', attempts: 1 });

      // BullMQ runs the job again (its lock expired). While the first run might still be waiting for the server, the
      // second one sends nothing and looks again later…
      f.clock.set(new Date(start.getTime() + 30_000));
      await expect(deliverOutbox(f.deps, row.id, { attemptsMade: 1 })).rejects.toThrow(/may still be waiting/);
      // …and once nobody can be waiting any more, it does not send again: the row is in doubt, for a person to judge
      f.clock.set(new Date(start.getTime() + IN_FLIGHT_MS + 1_000));
      expect(await deliverOutbox(f.deps, row.id, { attemptsMade: 2 })).toBe('in-doubt');
      expect(await deliverOutbox(f.deps, row.id, { attemptsMade: 3 })).toBe('skipped');
    } finally {
      f.clock.set(undefined);
    }
    expect((await f.mails()).filter((m) => /^To: wangwu@example\.com/m.test(m))).toHaveLength(1);
    expect(await f.prisma.notificationOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: 'FAILED',
      reason: 'OUTCOME_UNKNOWN',
      attempts: 1,
    });
  });

  it('announces a return with its reasons and deadline, and nothing for a decision before publication', async () => {
    const { year, site } = await seedYear(f.prisma);
    const { candidate, dossier } = await seedCandidate(f.prisma, year.id, site.id, { status: 'RETURNED' });
    const ret = await f.prisma.return.create({
      data: {
        dossierId: dossier.id,
        level: 'SITE',
        createdById: candidate.id,
        deadline: new Date('2026-03-01T09:00:00Z'),
        items: { create: [{ categoryCode: 'GRAD_CERT', reasonCode: 'BLURRY', reasonText: '照片模糊，请重新拍摄' }] },
      },
    });
    const t = await f.prisma.dossierTransition.create({
      data: { dossierId: dossier.id, fromStatus: 'PENDING_SITE', toStatus: 'RETURNED', actorType: 'STAFF', action: 'SITE_RETURN', returnId: ret.id },
    });
    expect(await fanoutTransition(f.deps, t.id)).toBe(1);
    const [row] = await f.prisma.notificationOutbox.findMany({ where: { eventKey: eventKeyOfTransition(t.id) } });
    expect(await deliverOutbox(f.deps, row?.id ?? '', { attemptsMade: 0 })).toBe('sent');
    const [msg] = await f.prisma.inboxMessage.findMany({ where: { candidateId: candidate.id } });
    expect(msg?.title).toBe('报名材料需要补充');
    expect(msg?.body).toContain('毕业证书：模糊不清：照片模糊，请重新拍摄');
    expect(msg?.body).toContain('2026-03-01 17:00');

    const approved = await f.prisma.dossierTransition.create({
      data: { dossierId: dossier.id, fromStatus: 'PENDING_DISTRICT', toStatus: 'APPROVED', actorType: 'STAFF' },
    });
    expect(await fanoutTransition(f.deps, approved.id)).toBe(0);
    expect(await f.prisma.notificationOutbox.count({ where: { eventKey: eventKeyOfTransition(approved.id) } })).toBe(0);
  });

  it('records a failed attempt with its reason, rethrows for a retry, and marks the row FAILED after the last attempt', async () => {
    const { year, site } = await seedYear(f.prisma);
    const { dossier } = await seedCandidate(f.prisma, year.id, site.id, { email: 'lisi@example.com' });
    const t = await f.prisma.dossierTransition.create({
      data: { dossierId: dossier.id, fromStatus: 'DRAFT', toStatus: 'NOT_SUBMITTED', actorType: 'SYSTEM' },
    });
    await fanoutTransition(f.deps, t.id);
    const row = await f.prisma.notificationOutbox.findFirstOrThrow({ where: { eventKey: eventKeyOfTransition(t.id), channel: 'EMAIL' } });
    const busy = classifySmtpError(Object.assign(new Error('421 4.7.0 Too many connections'), { responseCode: 421 }));
    const down: EmailSender = { send: () => Promise.reject(busy), close: async () => undefined };
    const deps = { ...f.deps, email: down };

    await expect(deliverOutbox(deps, row.id, { attemptsMade: 0, maxAttempts: 2 })).rejects.toThrow(/421/);
    expect(await f.prisma.notificationOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      reason: 'SMTP_TEMPORARY',
      lastError: expect.stringContaining('421'),
    });
    await expect(deliverOutbox(deps, row.id, { attemptsMade: 1, maxAttempts: 2 })).rejects.toThrow(/421/);
    expect(await f.prisma.notificationOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'FAILED', attempts: 2, reason: 'SMTP_TEMPORARY' });
    expect(await deliverOutbox(f.deps, row.id, { attemptsMade: 0 })).toBe('skipped');
  });

  it('expires a row whose moment passed instead of sending it', async () => {
    const { eventKey, transition } = await submitted({ email: 'zhaoliu@example.com' });
    await fanoutTransition(f.deps, transition.id);
    const row = await f.prisma.notificationOutbox.findFirstOrThrow({ where: { eventKey, channel: 'EMAIL' } });
    await f.prisma.notificationOutbox.update({ where: { id: row.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await deliverOutbox(f.deps, row.id, { attemptsMade: 0 })).toBe('expired');
    expect(await f.prisma.notificationOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'EXPIRED', reason: 'EXPIRED', attempts: 0 });
    expect((await f.mails()).filter((m) => /^To: zhaoliu@example\.com/m.test(m))).toHaveLength(0);
  });

  it('the sweeper re-queues a stuck row on its channel queue, a row left SENDING included', async () => {
    const { eventKey, transition } = await submitted({ phone: '13811112222' });
    await fanoutTransition(f.deps, transition.id);
    const sms = await f.prisma.notificationOutbox.findFirstOrThrow({ where: { eventKey, channel: 'SMS' } });
    const inapp = await f.prisma.notificationOutbox.findFirstOrThrow({ where: { eventKey, channel: 'INAPP' } });
    const old = new Date(Date.now() - 10 * 60_000);
    await f.prisma.notificationOutbox.update({ where: { id: sms.id }, data: { status: 'SENDING', lastAttemptAt: old, createdAt: old } });
    await f.prisma.notificationOutbox.update({ where: { id: inapp.id }, data: { createdAt: old } });
    for (const q of ['notify-sms', 'notify-inapp'] as const) await f.producer.queue(q).obliterate({ force: true });
    expect((await sweepStuck(f.deps)).outbox).toBeGreaterThanOrEqual(2);
    expect(await f.producer.queue('notify-sms').getJob(jobIdFor('notify.deliver-sms', { outboxId: sms.id }))).toBeTruthy();
    expect(await f.producer.queue('notify-inapp').getJob(jobIdFor('notify.deliver-inapp', { outboxId: inapp.id }))).toBeTruthy();
    // that SMS job settles the row as in doubt: it never sends it a second time
    expect(await deliverOutbox(f.deps, sms.id, { attemptsMade: 0 })).toBe('in-doubt');
  });

  it('tells each candidate of a publication their result once, however often the publication job runs', async () => {
    const { year, site } = await seedYear(f.prisma);
    const approved = await seedCandidate(f.prisma, year.id, site.id, { status: 'PENDING_DISTRICT', unitEmail: 'unit@example.com' });
    const rejected = await seedCandidate(f.prisma, year.id, site.id, { status: 'PENDING_DISTRICT' });
    const staffId = approved.candidate.id; // any uuid: the publisher is not read here
    const pub = await f.prisma.publication.create({ data: { examYearId: year.id, publishedById: staffId, dossierCount: 2, openCount: 0 } });
    await f.prisma.dossier.update({ where: { id: approved.dossier.id }, data: { status: 'APPROVED', publishedAt: new Date(), publicationId: pub.id } });
    await f.prisma.dossier.update({ where: { id: rejected.dossier.id }, data: { status: 'REJECTED', publishedAt: new Date(), publicationId: pub.id } });

    expect(await fanoutPublication(f.deps, pub.id)).toBe(3); // 2 in-app + the unit's email
    await fanoutPublication(f.deps, pub.id);
    const rows = await f.prisma.notificationOutbox.findMany({ where: { eventKey: { in: [eventKeyOfResult(approved.dossier.id), eventKeyOfResult(rejected.dossier.id)] } } });
    expect(rows).toHaveLength(3);
    for (const r of rows) await deliverOutbox(f.deps, r.id, { attemptsMade: 0 });
    const [msg] = await f.prisma.inboxMessage.findMany({ where: { candidateId: rejected.candidate.id } });
    expect(msg).toMatchObject({ title: '审核结果已发布' });
    expect(msg?.body).toContain('审核结果已发布：审核不通过');
  });
});
