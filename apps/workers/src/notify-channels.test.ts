import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { startFakeAliyunSms, type FakeAliyunSms } from '@exam/dev-tools';
import {
  AliyunSmsProvider,
  SMS_TEMPLATE_CODES,
  createSmsSender,
  createSmtpEmailSender,
  recordSmsReceipts,
  type SmsSender,
} from '@exam/notify';
import { jobIdFor } from '@exam/queue';
import { eventKeyOfTransition, fanoutTransition, deliverOutbox } from './notify.service.js';
import { notifyQueueSettings } from './notify-queues.js';
import { createFixture, scriptedSmtp, seedCandidate, seedYear, waitFor, type Fixture } from './test-fixtures.js';

describe('notification channels (real Postgres, Redis, BullMQ, local SMTP servers, a local fake Aliyun endpoint)', () => {
  let f: Fixture;
  let aliyun: FakeAliyunSms;
  let aliyunSms: SmsSender;
  const closers: (() => Promise<void>)[] = [];
  const templateCodes = Object.fromEntries(SMS_TEMPLATE_CODES.map((c, i) => [c, `SMS_${100 + i}`]));

  beforeAll(async () => {
    f = await createFixture();
    aliyun = await startFakeAliyunSms({ accessKeyId: 'LTAI-test', accessKeySecret: 'test-secret' });
    aliyunSms = createSmsSender({
      SMS_PROVIDER: 'aliyun',
      SMS_DIR: f.smsDir,
      SMS_SIGN_NAME: '医师资格考试',
      SMS_TEMPLATE_CODES: templateCodes,
      ALIYUN_ACCESS_KEY_ID: 'LTAI-test',
      ALIYUN_ACCESS_KEY_SECRET: 'test-secret',
      ALIYUN_SMS_ENDPOINT: aliyun.url,
    });
  });
  afterAll(async () => {
    await f?.close();
    for (const c of closers.reverse()) await c();
    await aliyun?.close();
  });

  let n = 0;
  /** A candidate, their DRAFT → PENDING_SITE transition and its outbox rows (not delivered yet). */
  async function submission(contact: { email?: string; phone?: string; unitPhone?: string }) {
    const { year, site } = await seedYear(f.prisma);
    const { candidate, dossier } = await seedCandidate(f.prisma, year.id, site.id, contact);
    const t = await f.prisma.dossierTransition.create({
      data: { dossierId: dossier.id, fromStatus: 'DRAFT', toStatus: 'PENDING_SITE', actorType: 'CANDIDATE', actorId: candidate.id },
    });
    await fanoutTransition(f.deps, t.id);
    const rows = await f.prisma.notificationOutbox.findMany({ where: { eventKey: eventKeyOfTransition(t.id) } });
    return { candidate, dossier, rows, row: (channel: 'EMAIL' | 'SMS' | 'INAPP', who = 'CANDIDATE') => rows.find((r) => r.channel === channel && r.recipientType === who)! };
  }
  const phone = () => `1390000${String(1000 + ++n).slice(-4)}`;
  const outbox = (id: string) => f.prisma.notificationOutbox.findUniqueOrThrow({ where: { id } });

  it('4xx is retried and 5xx is not (email through the notify-email queue)', async () => {
    const deferring = await scriptedSmtp((k) => (k === 1 ? { code: 451, text: '4.3.0 Temporary local problem, try again' } : null));
    const refusing = await scriptedSmtp(() => ({ code: 554, text: '5.7.1 Message refused' }));
    closers.push(deferring.close, refusing.close, () => deferring.sender.close(), () => refusing.sender.close());

    const a = await submission({ email: 'a@example.com' });
    const rtA = f.startWorkers(['notify-email'], { deps: { email: deferring.sender } });
    const sentA = await waitFor(async () => {
      const r = await outbox(a.row('EMAIL').id);
      return r.status === 'SENT' && r;
    });
    await rtA.close();
    expect(sentA).toMatchObject({ attempts: 2, provider: 'smtp', reason: null });
    expect(deferring.attempts()).toBe(2);
    expect(deferring.accepted).toEqual(['a@example.com']);

    const b = await submission({ email: 'b@example.com' });
    const rtB = f.startWorkers(['notify-email'], { deps: { email: refusing.sender } });
    const failedB = await waitFor(async () => {
      const r = await outbox(b.row('EMAIL').id);
      return r.status === 'FAILED' && r;
    });
    const job = await f.producer.queue('notify-email').getJob(jobIdFor('notify.deliver-email', { outboxId: b.row('EMAIL').id }));
    await waitFor(async () => (await job?.getState()) === 'completed');
    await new Promise((r) => setTimeout(r, 1_000)); // a retry would come after 300 ms
    await rtB.close();
    expect(failedB).toMatchObject({ attempts: 1, reason: 'SMTP_REJECTED', lastError: expect.stringContaining('554') });
    expect(refusing.attempts()).toBe(1);
  });

  it('a rejected recipient fails for good and is recorded', async () => {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 500,
      onRcptTo: (_a, _s, cb) => cb(Object.assign(new Error('5.1.1 Recipient address rejected: User unknown'), { responseCode: 550 })),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const sender = createSmtpEmailSender({ url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, from: 'x <noreply@exam.local>' });
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())), () => sender.close());
    const c = await submission({ email: 'c@example.com' });
    expect(await deliverOutbox({ ...f.deps, email: sender }, c.row('EMAIL').id, { attemptsMade: 0 })).toBe('failed');
    expect(await outbox(c.row('EMAIL').id)).toMatchObject({ status: 'FAILED', reason: 'RECIPIENT_REJECTED', attempts: 1, lastError: expect.stringContaining('550') });
  });

  it('the quota guard falls back to in-app and records why', async () => {
    const p = phone();
    const first = await submission({ phone: p });
    const second = await submission({ phone: p }); // another event to the same phone within the minute
    expect(await deliverOutbox(f.deps, first.row('SMS').id, { attemptsMade: 0 })).toBe('sent');
    expect(await deliverOutbox(f.deps, second.row('SMS').id, { attemptsMade: 0 })).toBe('fell-back');
    expect(await outbox(second.row('SMS').id)).toMatchObject({
      status: 'CANCELLED',
      reason: 'SMS_QUOTA_MINUTE',
      lastError: '同一手机号每分钟最多 1 条短信；已改为站内信',
      attempts: 0,
    });
    // the notice reaches the candidate in-app: the event's in-app row is delivered
    const inapp = second.row('INAPP');
    await waitFor(async () => (await f.producer.queue('notify-inapp').getJob(jobIdFor('notify.deliver-inapp', { outboxId: inapp.id }))) ?? null);
    expect(await deliverOutbox(f.deps, inapp.id, { attemptsMade: 0 })).toBe('sent');
    expect(await f.prisma.inboxMessage.count({ where: { candidateId: second.candidate.id } })).toBe(1);

    // an event without an in-app row (e.g. muted later): the fallback creates and queues it
    const third = await submission({ phone: p });
    await f.prisma.notificationOutbox.delete({ where: { id: third.row('INAPP').id } });
    expect(await deliverOutbox(f.deps, third.row('SMS').id, { attemptsMade: 0 })).toBe('fell-back');
    const created = await f.prisma.notificationOutbox.findFirstOrThrow({ where: { eventKey: third.row('SMS').eventKey, channel: 'INAPP' } });
    expect(created).toMatchObject({ status: 'PENDING', recipientType: 'CANDIDATE', templateCode: 'SUBMITTED' });
    expect(await f.producer.queue('notify-inapp').getJob(jobIdFor('notify.deliver-inapp', { outboxId: created.id }))).toBeTruthy();

    // a registering unit's phone has no inbox: the SMS is cancelled with the reason, nothing else
    const unitPhone = phone();
    const u1 = await submission({ unitPhone });
    const u2 = await submission({ unitPhone });
    await deliverOutbox(f.deps, u1.row('SMS', 'UNIT').id, { attemptsMade: 0 });
    expect(await deliverOutbox(f.deps, u2.row('SMS', 'UNIT').id, { attemptsMade: 0 })).toBe('fell-back');
    expect(await outbox(u2.row('SMS', 'UNIT').id)).toMatchObject({ status: 'CANCELLED', reason: 'SMS_QUOTA_MINUTE', lastError: expect.stringContaining('单位联系人没有站内信') });
  });

  it('sends SMS through Aliyun: signed as documented, sign name, provider template code, parameters, our out-id; receipts settle the row', async () => {
    const c = await submission({ phone: phone() });
    const sms = c.row('SMS');
    const before = aliyun.requests.length;
    expect(await deliverOutbox({ ...f.deps, sms: aliyunSms }, sms.id, { attemptsMade: 0 })).toBe('sent');
    const req = aliyun.requests[before]!;
    expect(req.signatureValid).toBe(true);
    expect(req.method).toBe('POST');
    expect(req.params).toMatchObject({
      Action: 'SendSms',
      Version: '2017-05-25',
      SignName: '医师资格考试',
      TemplateCode: templateCodes['SUBMITTED'],
      PhoneNumbers: sms.address,
      OutId: sms.id,
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
    });
    expect(JSON.parse(req.params['TemplateParam']!)).toEqual({ name: '张三' });
    const row = await outbox(sms.id);
    expect(row).toMatchObject({ status: 'SENT', provider: 'aliyun', providerMessageId: expect.stringMatching(/\^/) });

    // the carrier's receipt, as Aliyun pushes it, lands on the row by out-id (twice: receipts may repeat)
    const body = [{ phone_number: sms.address, send_time: '2026-03-01 09:00:00', report_time: '2026-03-01 09:00:03', success: true, err_code: 'DELIVERED', err_msg: '用户接收成功', sms_size: '1', biz_id: row.providerMessageId, out_id: sms.id }];
    const receipts = new AliyunSmsProvider({ accessKeyId: 'x', accessKeySecret: 'y' }).parseReceipts(body);
    expect(await recordSmsReceipts(f.prisma, receipts)).toEqual({ recorded: 1, unknown: 0 });
    expect(await recordSmsReceipts(f.prisma, [...receipts, { ...receipts[0]!, outId: 'not-ours' }])).toEqual({ recorded: 1, unknown: 1 });
    expect(await outbox(sms.id)).toMatchObject({ status: 'SENT', receiptStatus: 'DELIVERED', receiptCode: 'DELIVERED', receiptAt: new Date('2026-03-01T01:00:03Z') });
  });

  it('Aliyun answers: flow control falls back to in-app, a bad number fails for good, an outage is retried; a late receipt settles a row in doubt', async () => {
    const deps = { ...f.deps, sms: aliyunSms };
    const limited = await submission({ phone: phone() });
    aliyun.answerNext({ code: 'isv.BUSINESS_LIMIT_CONTROL', message: '触发天级流控Permits:10' });
    expect(await deliverOutbox(deps, limited.row('SMS').id, { attemptsMade: 0 })).toBe('fell-back');
    expect(await outbox(limited.row('SMS').id)).toMatchObject({ status: 'CANCELLED', reason: 'SMS_PROVIDER_LIMIT', lastError: expect.stringContaining('已改为站内信') });

    const bad = await submission({ phone: phone() });
    aliyun.answerNext({ code: 'isv.MOBILE_NUMBER_ILLEGAL', message: '非法手机号' });
    expect(await deliverOutbox(deps, bad.row('SMS').id, { attemptsMade: 0 })).toBe('failed');
    expect(await outbox(bad.row('SMS').id)).toMatchObject({ status: 'FAILED', reason: 'INVALID_ADDRESS' });

    const outage = await submission({ phone: phone() });
    aliyun.answerNext({ status: 503, code: 'ServiceUnavailable', message: 'The request has failed due to a temporary failure of the server.' });
    await expect(deliverOutbox(deps, outage.row('SMS').id, { attemptsMade: 0, maxAttempts: 8 })).rejects.toThrow(/ServiceUnavailable/);
    expect(await outbox(outage.row('SMS').id)).toMatchObject({ status: 'PENDING', reason: 'SMS_PROVIDER_ERROR', attempts: 1 });
    // the quota message was given back: the retry is not refused as a second SMS within the minute
    expect(await deliverOutbox(deps, outage.row('SMS').id, { attemptsMade: 1, maxAttempts: 8 })).toBe('sent');
    expect(await outbox(outage.row('SMS').id)).toMatchObject({ status: 'SENT', attempts: 2, reason: null });

    // a row whose send was interrupted (in doubt) and then reported delivered by the carrier
    const doubt = await submission({ phone: phone() });
    await f.prisma.notificationOutbox.update({ where: { id: doubt.row('SMS').id }, data: { status: 'FAILED', reason: 'OUTCOME_UNKNOWN' } });
    await recordSmsReceipts(f.prisma, [{ outId: doubt.row('SMS').id, providerMessageId: 'biz-9', delivered: true, code: 'DELIVERED', message: null, reportedAt: null }]);
    expect(await outbox(doubt.row('SMS').id)).toMatchObject({ status: 'SENT', reason: null, receiptStatus: 'DELIVERED', providerMessageId: 'biz-9' });
    // and one the carrier could not deliver
    await recordSmsReceipts(f.prisma, [{ outId: outage.row('SMS').id, providerMessageId: null, delivered: false, code: 'MK:0001', message: '空号', reportedAt: null }]);
    expect(await outbox(outage.row('SMS').id)).toMatchObject({ status: 'FAILED', reason: 'SMS_UNDELIVERED', receiptStatus: 'UNDELIVERED', lastError: 'MK:0001 空号' });
  });

  it('refuses to start SMS over Aliyun without a provider template code for every SMS template', () => {
    const { ACCOUNT_CODE: _dropped, ...missing } = templateCodes;
    expect(() =>
      createSmsSender({
        SMS_PROVIDER: 'aliyun',
        SMS_DIR: f.smsDir,
        SMS_SIGN_NAME: '医师资格考试',
        SMS_TEMPLATE_CODES: { ...missing, TYPO: 'SMS_1' },
        ALIYUN_ACCESS_KEY_ID: 'id',
        ALIYUN_ACCESS_KEY_SECRET: 'secret',
      }),
    ).toThrow(/SMS_TEMPLATE_CODES: no provider template code for ACCOUNT_CODE[\s\S]*SMS_TEMPLATE_CODES: unknown template TYPO/);
  });

  it('each channel has its own queue and limiter: an SMS backlog is paced and holds back no other channel', async () => {
    const people = await Promise.all(Array.from({ length: 6 }, () => submission({ phone: phone() })));
    const smsRows = people.map((p) => p.row('SMS').id);
    const inappRows = people.map((p) => p.row('INAPP').id);
    const started = Date.now();
    const rt = f.startWorkers(['notify-sms', 'notify-inapp'], {
      deps: { sms: aliyunSms },
      queueSettings: notifyQueueSettings({ NOTIFY_SMS_PER_SECOND: 2, NOTIFY_INAPP_PER_SECOND: 1000, NOTIFY_EMAIL_PER_SECOND: 50, NOTIFY_DELIVERY_CONCURRENCY: 10 }),
    });
    const sentAt = async (ids: string[]) => {
      const rows = await f.prisma.notificationOutbox.findMany({ where: { id: { in: ids } } });
      return rows.every((r) => r.status === 'SENT') && rows.map((r) => r.sentAt!.getTime());
    };
    const inappDone = await waitFor(() => sentAt(inappRows));
    const smsDone = await waitFor(() => sentAt(smsRows));
    await rt.close();
    // 6 SMS at 2 a second: the last leaves no sooner than ~2 s after the first; the in-app rows did not wait for them
    expect(Math.max(...smsDone) - Math.min(...smsDone)).toBeGreaterThanOrEqual(1_500);
    expect(Math.max(...inappDone)).toBeLessThan(Math.max(...smsDone));
    expect(Math.max(...inappDone) - started).toBeLessThan(Math.max(...smsDone) - started);
    const requests = aliyun.requests.filter((r) => smsRows.includes(r.params['OutId'] ?? ''));
    expect(requests).toHaveLength(6);
    // never more than 2 in any one second (the limiter counts job starts; a request reaches the provider a few ms later)
    const times = requests.map((r) => r.at.getTime()).sort((x, y) => x - y);
    for (let i = 2; i < times.length; i++) expect(times[i]! - times[i - 2]!).toBeGreaterThanOrEqual(700);
  });
});
