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
    const withoutDeliver = all.filter((h) => h.name !== 'notify.deliver');
    expect(() => startWorkers({ ...opts(), queues: ['notify'], handlers: withoutDeliver })).toThrow(/"notify.deliver" has no handler/);
    const twice: AnyJobHandler[] = [...all, ...all.filter((h) => h.name === 'image.process')];
    expect(() => startWorkers({ ...opts(), queues: ['image'], handlers: twice })).toThrow(/two handlers/);
    // a process that does not run the notify queue does not need its handlers
    const rt = startWorkers({ ...opts(), queues: ['image'], handlers: withoutDeliver });
    return rt.close();
  });

  it('reads WORKER_QUEUES strictly', () => {
    expect(parseWorkerQueues('image, notify')).toEqual(['image', 'notify']);
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
      WORKER_QUEUES: 'image,deadline,notify',
      WORKER_HEALTH_PORT: '0',
    });
    try {
      const base = `http://127.0.0.1:${app.health.port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ok', checks: { postgres: 'ok', redis: 'ok', workers: 'ok' } });
      expect(app.runtime.workers.map((w) => w.name).sort()).toEqual(['deadline', 'image', 'notify']);
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
  });
});
