import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_NAMES, type AnyJobHandler } from '@exam/queue';
import { createHandlers } from './handlers.js';
import { startWorkerApp } from './worker-app.js';
import { parseWorkerQueues, startWorkers } from './worker-runtime.js';
import { createFixture, quietLogger, type Fixture } from './test-fixtures.js';

describe('worker process', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture();
  });
  afterAll(() => f?.close());

  const opts = () => ({ redisUrl: f.redisUrl, prefix: f.prefix, concurrency: 1, logger: quietLogger });

  it('refuses to start when a job of its queues has no handler, or two', () => {
    const all = createHandlers(f.deps);
    expect(all.map((h) => h.name).sort()).toEqual([...JOB_NAMES].sort());
    const withoutDeliver = all.filter((h) => h.name !== 'notify.deliver-sms');
    expect(() => startWorkers({ ...opts(), queues: ['notify-sms'], handlers: withoutDeliver })).toThrow(/"notify.deliver-sms" has no handler/);
    const twice: AnyJobHandler[] = [...all, ...all.filter((h) => h.name === 'image.process')];
    expect(() => startWorkers({ ...opts(), queues: ['image'], handlers: twice })).toThrow(/two handlers/);
    // a process that does not run the notify-sms queue does not need its handler
    const rt = startWorkers({ ...opts(), queues: ['image'], handlers: withoutDeliver });
    return rt.close();
  });

  it('reads WORKER_QUEUES strictly', () => {
    expect(parseWorkerQueues('image, notify')).toEqual(['image', 'notify']);
    expect(parseWorkerQueues('notify-email,notify-sms,notify-inapp')).toEqual(['notify-email', 'notify-sms', 'notify-inapp']);
    expect(() => parseWorkerQueues('image,mail')).toThrow(/unknown queue/);
    expect(() => parseWorkerQueues(' , ')).toThrow(/no queue/);
  });

  it('starts from the environment, answers /healthz and /readyz, and shuts down cleanly', async () => {
    const app = await startWorkerApp({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: f.databaseUrl,
      REDIS_URL: f.redisUrl,
      QUEUE_PREFIX: f.prefix,
      STORAGE_DIR: f.storageDir,
      SMS_DIR: f.smsDir,
      SMTP_URL: `smtp://127.0.0.1:${f.mailSink.port}`,
      WORKER_HEALTH_PORT: '0',
      NOTIFY_SMS_PER_SECOND: '7',
    });
    try {
      const base = `http://127.0.0.1:${app.health.port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ok', checks: { postgres: 'ok', redis: 'ok', workers: 'ok' } });
      // by default every queue, each delivery channel on its own with its own rate limit (email's counts mails where
      // they are sent — pacedEmailSender — because one email job may carry a batch)
      expect(app.runtime.workers.map((w) => w.name).sort()).toEqual(['deadline', 'image', 'notify', 'notify-email', 'notify-inapp', 'notify-sms']);
      const limiter = (name: string) => app.runtime.workers.find((w) => w.name === name)?.opts.limiter;
      expect(limiter('notify-sms')).toEqual({ max: 7, duration: 1000 });
      expect(limiter('notify-email')).toBeUndefined();
      expect(limiter('notify-inapp')).toEqual({ max: 1000, duration: 1000 });
      expect(limiter('notify')).toBeUndefined();
      expect(app.deps.sms.provider).toBe('file');
      const schedulers = await f.producer.queue('deadline').getJobSchedulers();
      expect(schedulers.map((s) => s.key).sort()).toEqual(['deadline.audit-retention', 'deadline.purge-raw', 'deadline.sweep', 'deadline.tick']);
    } finally {
      await app.close();
    }
    expect(app.runtime.isRunning()).toBe(false);
  });

  it('refuses to start on a bad configuration', async () => {
    await expect(startWorkerApp({ DATABASE_URL: f.databaseUrl, WORKER_QUEUES: 'image,mail', LOG_LEVEL: 'silent' })).rejects.toThrow(
      /unknown queue/,
    );
    await expect(startWorkerApp({ WORKER_QUEUES: 'image' })).rejects.toThrow(/DATABASE_URL/);
    // SMS over Aliyun without its key pair, sign and template codes
    await expect(startWorkerApp({ DATABASE_URL: f.databaseUrl, LOG_LEVEL: 'silent', SMS_PROVIDER: 'aliyun' })).rejects.toThrow(
      /ALIYUN_ACCESS_KEY_ID: required[\s\S]*SMS_TEMPLATE_CODES: required/,
    );
    await expect(
      startWorkerApp({
        DATABASE_URL: f.databaseUrl,
        LOG_LEVEL: 'silent',
        SMS_PROVIDER: 'aliyun',
        SMS_SIGN_NAME: '医师资格考试',
        SMS_TEMPLATE_CODES: 'SUBMITTED=SMS_1',
        ALIYUN_ACCESS_KEY_ID: 'id',
        ALIYUN_ACCESS_KEY_SECRET: 'secret',
      }),
    ).rejects.toThrow(/no provider template code for RETURNED/);
  });
});
