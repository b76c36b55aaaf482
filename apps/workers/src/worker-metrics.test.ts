import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeJpeg } from '@exam/testing';
import { startWorkerApp, type WorkerApp } from './worker-app.js';
import { createWorkerMetrics } from './worker-metrics.js';
import { createFixture, seedCandidate, seedImage, seedYear, waitFor, type Fixture } from './test-fixtures.js';

/** The value of `name{labels…}` in the Prometheus text (labels matched as a subset). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([^{ ]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('workers /metrics (real Postgres, Redis, BullMQ)', () => {
  let f: Fixture;
  let app: WorkerApp;
  let base: string;
  beforeAll(async () => {
    f = await createFixture();
    app = await startWorkerApp({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: f.databaseUrl,
      REDIS_URL: f.redisUrl,
      QUEUE_PREFIX: f.prefix,
      STORAGE_DIR: f.storageDir,
      SMS_DIR: f.smsDir,
      SMTP_URL: `smtp://127.0.0.1:${f.mailSink.port}`,
      WORKER_QUEUES: 'image,notify-email',
      WORKER_HEALTH_PORT: '0',
    });
    base = `http://127.0.0.1:${app.health.port}`;
  });
  afterAll(async () => {
    await app?.close();
    await f?.close();
  });

  it('reports job durations by job name, image outcomes, queue depth and email outcomes in the Prometheus text format', async () => {
    const { year, site } = await seedYear(f.prisma);
    const { dossier } = await seedCandidate(f.prisma, year.id, site.id);
    const good = await seedImage(f, dossier.id, await makeJpeg(640, 480, 60));
    const bad = await seedImage(f, dossier.id, Buffer.from('not an image at all'));
    for (const image of [good, bad]) await f.producer.add('image.process', { imageId: image.id });
    await waitFor(async () => (await f.prisma.image.count({ where: { id: { in: [good.id, bad.id] }, state: 'PROCESSING' } })) === 0);
    await app.deps.email.send({ to: 'a@exam.local', subject: 's', text: 't', html: '<p>t</p>', messageId: '<m1@exam.local>' });

    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('# TYPE exam_job_duration_seconds histogram');
    expect(sample(text, 'exam_job_duration_seconds_count', { job: 'image.process', outcome: 'completed', service: 'workers' })).toBe(2);
    expect(sample(text, 'exam_job_duration_seconds_bucket', { job: 'image.process', outcome: 'completed', le: '+Inf' })).toBe(2);
    expect(sample(text, 'exam_images_processed_total', { outcome: 'READY' })).toBe(1);
    expect(sample(text, 'exam_images_processed_total', { outcome: 'REJECTED' })).toBe(1);
    for (const queue of ['image', 'notify-email']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) expect(sample(text, 'exam_queue_jobs', { queue, state }), `${queue} ${state}`).toBe(0);
    }
    expect(sample(text, 'exam_notifications_total', { channel: 'EMAIL', outcome: 'sent' })).toBe(1);
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('counts what waits in a queue', async () => {
    await app.runtime.workers.find((w) => w.name === 'image')!.pause();
    try {
      await f.producer.add('image.process', { imageId: '00000000-0000-7000-8000-00000000abcd' });
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(sample(text, 'exam_queue_jobs', { queue: 'image', state: 'waiting' })).toBe(1);
    } finally {
      app.runtime.workers.find((w) => w.name === 'image')!.resume();
    }
  });
});

describe('worker metrics', () => {
  it('counts provider failures and times failed jobs', async () => {
    const m = createWorkerMetrics({ producer: { queue: () => ({ getJobCounts: async () => ({}) }) } as never, queues: [] });
    const sms = m.countDeliveries('SMS', { provider: 'fake', send: async (): Promise<{ id: string }> => Promise.reject(new Error('provider down')) });
    expect(sms.provider).toBe('fake');
    await expect(sms.send()).rejects.toThrow('provider down');
    const [handler] = m.instrument([{ name: 'deadline.sweep', handle: async () => Promise.reject(new Error('db away')) }]);
    await expect(handler!.handle({} as never, { jobId: 'j', attemptsMade: 0, maxAttempts: 3 })).rejects.toThrow('db away');
    const text = (await m.render()).body;
    expect(sample(text, 'exam_notifications_total', { channel: 'SMS', outcome: 'failed' })).toBe(1);
    expect(sample(text, 'exam_job_duration_seconds_count', { job: 'deadline.sweep', outcome: 'failed' })).toBe(1);
  });
});
