import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { createRedisConnection } from '@exam/queue';
import { testRedisPrefix, testRedisUrl } from '@exam/testing';
import {
  DeliveryError,
  IN_FLIGHT_MS,
  createSmsQuota,
  createSmtpEmailSender,
  normaliseMobile,
  outcomeOfFailure,
  sendingState,
  type EmailSender,
} from './index.js';

/** A local SMTP server answering as told: the tests' stand-in for a mail server that defers or refuses. */
async function smtpServer(handlers: Pick<SMTPServerOptions, 'onRcptTo' | 'onData'>) {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 500,
    onData:
      handlers.onData ??
      ((stream, _session, callback) => {
        stream.on('data', () => undefined);
        stream.on('end', () => callback());
      }),
    ...(handlers.onRcptTo ? { onRcptTo: handlers.onRcptTo } : {}),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });
const mail = { to: 'zhangsan@example.com', subject: '报名材料提交成功', text: '考生张三：…', html: '<p>考生张三：…</p>' };

async function failureOf(sender: EmailSender, to = mail.to): Promise<DeliveryError> {
  try {
    await sender.send({ ...mail, to });
  } catch (e) {
    expect(e).toBeInstanceOf(DeliveryError);
    return e as DeliveryError;
  }
  throw new Error('the send did not fail');
}

describe('email over pooled SMTP: 4xx is retried and 5xx is not', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of closers.reverse()) await c(); // senders (their pooled connections) before servers
  });
  const sender = (port: number) => {
    const s = createSmtpEmailSender({ url: `smtp://127.0.0.1:${port}`, from: '审核系统 <noreply@exam.local>', maxConnections: 2 });
    closers.push(() => s.close());
    return s;
  };

  it('a 4xx answer is a retryable failure, and the next attempt is accepted', async () => {
    let calls = 0;
    const srv = await smtpServer({
      onData(stream, _s, callback) {
        stream.on('data', () => undefined);
        stream.on('end', () => (++calls === 1 ? callback(smtpError(451, '4.3.0 Try again later')) : callback()));
      },
    });
    closers.push(srv.close);
    const s = sender(srv.port);
    const e = await failureOf(s);
    expect([e.kind, e.reason]).toEqual(['retry', 'SMTP_TEMPORARY']);
    expect(e.message).toMatch(/451/);
    await expect(s.send(mail)).resolves.toMatchObject({ messageId: expect.any(String) });
    expect(calls).toBe(2);
  });

  it('a 5xx answer and a rejected recipient fail for good; a greylisted recipient (4xx) is retried', async () => {
    const srv = await smtpServer({
      onRcptTo(address, _s, callback) {
        if (address.address.startsWith('nobody@')) return callback(smtpError(550, '5.1.1 No such user'));
        if (address.address.startsWith('grey@')) return callback(smtpError(450, '4.2.0 Greylisted'));
        callback();
      },
      onData(stream, _s, callback) {
        stream.on('data', () => undefined);
        stream.on('end', () => callback(smtpError(554, '5.7.1 Message refused')));
      },
    });
    closers.push(srv.close);
    const s = sender(srv.port);
    expect(await failureOf(s)).toMatchObject({ kind: 'final', reason: 'SMTP_REJECTED' });
    expect(await failureOf(s, 'nobody@example.com')).toMatchObject({ kind: 'final', reason: 'RECIPIENT_REJECTED' });
    expect(await failureOf(s, 'grey@example.com')).toMatchObject({ kind: 'retry', reason: 'SMTP_TEMPORARY' });
  });

  it('a server that cannot be reached is a retryable connection failure', async () => {
    const srv = await smtpServer({});
    await srv.close();
    expect(await failureOf(sender(srv.port))).toMatchObject({ kind: 'retry', reason: 'SMTP_CONNECTION' });
  });
});

describe('SMS quota per phone (real Redis)', () => {
  const redis = createRedisConnection(testRedisUrl(), 'producer');
  afterAll(() => redis.quit());

  it('allows 1 a minute, then refuses naming the minute; gives a message back', async () => {
    const quota = createSmsQuota({ redis, prefix: testRedisPrefix() });
    expect(await quota.take('138 0000 0000')).toEqual({ ok: true });
    expect(await quota.take('+8613800000000')).toMatchObject({ ok: false, reason: 'SMS_QUOTA_MINUTE', retryAfterSeconds: expect.any(Number) });
    expect(await quota.take('13900000000')).toEqual({ ok: true }); // another phone
    await quota.giveBack('13800000000');
    expect(await quota.take('13800000000')).toEqual({ ok: true });
  });

  it('allows 10 a day, then refuses naming the day', async () => {
    const quota = createSmsQuota({ redis, prefix: testRedisPrefix(), perMinute: 100 });
    const results = [];
    for (let i = 0; i < 11; i++) results.push(await quota.take('13700000000'));
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(results[10]).toMatchObject({ ok: false, reason: 'SMS_QUOTA_DAY' });
  });

  it('counts atomically: 20 concurrent takes for one phone, 1 allowed', async () => {
    const quota = createSmsQuota({ redis, prefix: testRedisPrefix() });
    const results = await Promise.all(Array.from({ length: 20 }, () => quota.take('13600000000')));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });
});

describe('delivery rules', () => {
  it('retry a retryable failure until the last attempt, then fail it; never retry a final one; fall back on a limit', () => {
    const retry = new DeliveryError('retry', 'SMTP_TEMPORARY', '451');
    expect(outcomeOfFailure(retry, { attemptsMade: 0, maxAttempts: 8 })).toEqual({ status: 'PENDING', reason: 'SMTP_TEMPORARY', rethrow: true, fallback: false });
    expect(outcomeOfFailure(retry, { attemptsMade: 7, maxAttempts: 8 })).toEqual({ status: 'FAILED', reason: 'SMTP_TEMPORARY', rethrow: true, fallback: false });
    expect(outcomeOfFailure(new DeliveryError('final', 'SMTP_REJECTED', '550'), { attemptsMade: 0, maxAttempts: 8 })).toMatchObject({ status: 'FAILED', rethrow: false });
    expect(outcomeOfFailure(new DeliveryError('limit', 'SMS_PROVIDER_LIMIT', 'x'), { attemptsMade: 0, maxAttempts: 8 })).toMatchObject({ status: 'CANCELLED', fallback: true });
    expect(outcomeOfFailure(new Error('boom'), { attemptsMade: 0, maxAttempts: 2 })).toMatchObject({ status: 'PENDING', reason: 'INTERNAL_ERROR', rethrow: true });
  });

  it('consider a row handed to a provider in doubt once IN_FLIGHT_MS has passed without an answer', () => {
    const at = new Date('2026-03-01T00:00:00Z');
    expect(sendingState(at, new Date(at.getTime() + IN_FLIGHT_MS - 1))).toBe('in-flight');
    expect(sendingState(at, new Date(at.getTime() + IN_FLIGHT_MS))).toBe('in-doubt');
    expect(sendingState(null, at)).toBe('in-doubt');
  });

  it('read mainland mobile numbers however they were typed', () => {
    expect(normaliseMobile('138 0000-0000')).toBe('13800000000');
    expect(normaliseMobile('+86 13800000000')).toBe('13800000000');
    expect(normaliseMobile('0086-13800000000')).toBe('13800000000');
    expect(normaliseMobile('12800000000')).toBeNull();
    expect(normaliseMobile('022-12345678')).toBeNull();
  });
});
