import { afterAll, describe, expect, it } from 'vitest';
import { Worker } from 'bullmq';
import {
  DELIVERY_JOB,
  JOB_NAMES,
  JOB_QUEUE,
  QUEUE_NAMES,
  buildHandlerMap,
  createJobProducer,
  createRedisConnection,
  jobIdFor,
  jobOptionsFor,
  type AnyJobHandler,
} from './index.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `t:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
const noop = async () => undefined;

describe('handler map', () => {
  const all = JOB_NAMES.map((name) => ({ name, handle: noop }) as AnyJobHandler);
  it('accepts exactly one handler per job of the chosen queues', () => {
    expect(buildHandlerMap(all, QUEUE_NAMES).size).toBe(JOB_NAMES.length);
    expect(buildHandlerMap(all.filter((h) => h.name === 'image.process'), ['image']).size).toBe(1);
  });
  it('refuses to start when a job has no handler', () => {
    expect(() => buildHandlerMap([], ['image'])).toThrow(/"image.process" has no handler/);
  });
  it('refuses to start when a job has two handlers', () => {
    expect(() => buildHandlerMap([...all, { name: 'notify.deliver-sms', handle: noop }], ['notify-sms'])).toThrow(/two handlers/);
  });
  it('gives each delivery channel its own queue, and deliveries slow, patient retries', () => {
    expect(QUEUE_NAMES).toEqual(['image', 'deadline', 'notify', 'notify-email', 'notify-sms', 'notify-inapp', 'roster']);
    expect(Object.values(DELIVERY_JOB).map((j) => JOB_QUEUE[j])).toEqual(['notify-email', 'notify-sms', 'notify-inapp']);
    expect(jobOptionsFor('notify.deliver-email')).toMatchObject({ attempts: 8, backoff: { type: 'exponential', delay: 15_000 } });
    expect(jobOptionsFor('notify.deliver-inapp')).toMatchObject({ attempts: 5 });
    expect(jobOptionsFor('notify.deliver-sms', { 'notify.deliver-sms': { backoff: 100 } })).toMatchObject({ attempts: 8, backoff: 100 });
  });
});

describe('producer (real Redis)', () => {
  const conn = createRedisConnection(redisUrl, 'producer');
  const wconn = createRedisConnection(redisUrl, 'worker');
  const producer = createJobProducer(conn, prefix);
  afterAll(async () => {
    await producer.queue('image').obliterate({ force: true });
    await producer.close();
    await conn.quit();
    await wconn.quit();
  });

  it('enqueues the same logical job once, however often it is added', async () => {
    await producer.add('image.process', { imageId: 'img-1' });
    await producer.add('image.process', { imageId: 'img-1' });
    await producer.addBulk('image.process', [{ imageId: 'img-1' }, { imageId: 'img-2' }]);
    const counts = await producer.queue('image').getJobCounts('waiting');
    expect(counts.waiting).toBe(2);
    expect(jobIdFor('image.process', { imageId: 'img-1' })).toBe('image.process__img-1');
  });

  it('names a batch of mails by a short hash of its ids: the same batch is one job, another batch another', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `0193a0c0-0000-7000-8000-${String(i).padStart(12, '0')}`);
    const id = jobIdFor('notify.deliver-email-batch', { outboxIds: ids });
    expect(id).toMatch(/^notify\.deliver-email-batch__[0-9a-f]{32}$/);
    expect(jobIdFor('notify.deliver-email-batch', { outboxIds: [...ids] })).toBe(id);
    expect(jobIdFor('notify.deliver-email-batch', { outboxIds: ids.slice(1) })).not.toBe(id);
    await producer.addBulk('notify.deliver-email-batch', [{ outboxIds: ids }, { outboxIds: ids }, { outboxIds: ids.slice(1) }]);
    expect((await producer.queue('notify-email').getJobCounts('waiting')).waiting).toBe(2);
  });

  it('delivers the typed payload to a worker under the run prefix', async () => {
    const seen: unknown[] = [];
    const worker = new Worker('image', async (job) => void seen.push([job.name, job.data]), { connection: wconn, prefix });
    await new Promise<void>((resolve) => {
      const check = () => (seen.length >= 2 ? resolve() : setTimeout(check, 20));
      check();
    });
    await worker.close();
    expect(seen).toEqual(
      expect.arrayContaining([
        ['image.process', { imageId: 'img-1' }],
        ['image.process', { imageId: 'img-2' }],
      ]),
    );
  });
});
