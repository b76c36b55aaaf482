import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmailSender } from '@exam/notify';
import { deliverOutbox, eventKeyOfResult, eventKeyOfTransition, fanoutPublication, fanoutTransition } from './notify.service.js';
import { createFixture, seedCandidate, seedYear, waitFor, type Fixture } from './test-fixtures.js';

describe('notify.fanout + notify.deliver (real Postgres, Redis, BullMQ worker and SMTP sink)', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture();
  });
  afterAll(() => f?.close());

  it('delivers one inbox message, one mail and one SMS per recipient, even when fan-out and delivery run twice', async () => {
    const { year, site } = await seedYear(f.prisma);
    const { candidate, dossier } = await seedCandidate(f.prisma, year.id, site.id, {
      email: 'zhangsan@example.com',
      phone: '13800000000',
      unitEmail: 'hr@hospital.example.com',
    });
    await f.prisma.dossier.update({ where: { id: dossier.id }, data: { status: 'PENDING_SITE' } });
    const t = await f.prisma.dossierTransition.create({
      data: { dossierId: dossier.id, fromStatus: 'DRAFT', toStatus: 'PENDING_SITE', actorType: 'CANDIDATE', actorId: candidate.id },
    });

    const rt = f.startWorkers(['notify']);
    await f.producer.add('notify.fanout', { transitionId: t.id });
    const eventKey = eventKeyOfTransition(t.id);
    const rows = await waitFor(async () => {
      const r = await f.prisma.notificationOutbox.findMany({ where: { eventKey } });
      return r.length === 4 && r.every((o) => o.status === 'SENT') && r;
    });
    await rt.close();
    expect(rows.map((r) => `${r.recipientType}/${r.channel}`).sort()).toEqual([
      'CANDIDATE/EMAIL',
      'CANDIDATE/INAPP',
      'CANDIDATE/SMS',
      'UNIT/EMAIL',
    ]);
    expect(rows.every((r) => r.templateCode === 'SUBMITTED' && r.sentAt && r.attempts === 1)).toBe(true);

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

    const sms = (await readFile(join(f.smsDir, 'sms.jsonl'), 'utf8')).trim().split('\n');
    expect(sms).toHaveLength(1);
    expect(JSON.parse(sms[0] ?? '{}')).toMatchObject({ to: '13800000000', templateCode: 'SUBMITTED' });
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

  it('records a failed delivery, rethrows for a retry, and marks the row FAILED after the last attempt', async () => {
    const { year, site } = await seedYear(f.prisma);
    const { dossier } = await seedCandidate(f.prisma, year.id, site.id, { email: 'lisi@example.com' });
    const t = await f.prisma.dossierTransition.create({
      data: { dossierId: dossier.id, fromStatus: 'DRAFT', toStatus: 'NOT_SUBMITTED', actorType: 'SYSTEM' },
    });
    await fanoutTransition(f.deps, t.id);
    const row = await f.prisma.notificationOutbox.findFirstOrThrow({ where: { eventKey: eventKeyOfTransition(t.id), channel: 'EMAIL' } });
    const down: EmailSender = { send: () => Promise.reject(new Error('421 service not available')), close: async () => undefined };
    const deps = { ...f.deps, email: down };

    await expect(deliverOutbox(deps, row.id, { attemptsMade: 0, maxAttempts: 2 })).rejects.toThrow(/421/);
    expect(await f.prisma.notificationOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      lastError: expect.stringContaining('421'),
    });
    await expect(deliverOutbox(deps, row.id, { attemptsMade: 1, maxAttempts: 2 })).rejects.toThrow(/421/);
    expect(await f.prisma.notificationOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'FAILED', attempts: 2 });
    expect(await deliverOutbox(f.deps, row.id, { attemptsMade: 0 })).toBe('skipped');
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
