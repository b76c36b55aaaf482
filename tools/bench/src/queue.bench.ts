// Queue throughput: image.process jobs enqueued with the producer's addBulk and drained by a do-nothing BullMQ Worker,
// against sequential Redis PING round trips measured in the same run. Everything lives under a unique prefix that is
// obliterated afterwards.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Worker } from 'bullmq';
import { createJobProducer, createRedisConnection, type JobPayloads } from '@exam/queue';
import { testRedisUrl } from '@exam/testing';
import { table, type Section } from './markdown.js';
import { fmt } from './stats.js';

export interface QueueOptions {
  jobs: number;
  /** worker concurrencies to drain with; 4 is the workers' default WORKER_CONCURRENCY */
  concurrencies: readonly number[];
  log: (msg: string) => void;
}

export async function queueSection(opts: QueueOptions): Promise<Section> {
  const url = testRedisUrl();
  const prefix = `bench:${process.pid}:${randomUUID().slice(0, 8)}`;
  const conn = createRedisConnection(url, 'producer');
  const wconn = createRedisConnection(url, 'worker');
  const producer = createJobProducer(conn, prefix);
  const queue = producer.queue('image');
  try {
    await queue.waitUntilReady();

    // baseline: sequential PING round trips on the producer's connection
    for (let i = 0; i < 200; i++) await conn.ping();
    const pings = opts.jobs;
    const p0 = performance.now();
    for (let i = 0; i < pings; i++) await conn.ping();
    const pingPerSecond = (pings * 1000) / (performance.now() - p0);

    const rows: { label: string; perSecond: number }[] = [];
    for (const concurrency of opts.concurrencies) {
      const payloads: JobPayloads['image.process'][] = Array.from({ length: opts.jobs }, () => ({ imageId: randomUUID() }));
      const e0 = performance.now();
      await producer.addBulk('image.process', payloads);
      const enqueueMs = performance.now() - e0;
      const waiting = await queue.getWaitingCount();
      if (waiting !== opts.jobs) throw new Error(`expected ${opts.jobs} waiting jobs, found ${waiting}`);

      let completed = 0;
      let failed = 0;
      const worker = new Worker('image', async () => undefined, { connection: wconn, prefix, concurrency, autorun: false });
      const drained = new Promise<void>((resolve, reject) => {
        worker.on('completed', () => {
          if (++completed === opts.jobs) resolve();
        });
        worker.on('failed', (_job, err) => {
          failed++;
          reject(err);
        });
        worker.on('error', reject);
      });
      await worker.waitUntilReady();
      const w0 = performance.now();
      void worker.run();
      await drained;
      const processMs = performance.now() - w0;
      await worker.close();
      if (failed) throw new Error(`${failed} jobs failed`);
      opts.log(`  concurrency ${concurrency}: enqueue ${fmt(enqueueMs)} ms, drain ${fmt(processMs)} ms`);
      if (rows.length === 0) rows.push({ label: `\`addBulk\` of ${fmt(opts.jobs)} \`image.process\` jobs (enqueue)`, perSecond: (opts.jobs * 1000) / enqueueMs });
      rows.push({ label: `Worker, no-op processor, concurrency ${concurrency} (drain ${fmt(opts.jobs)} jobs)`, perSecond: (opts.jobs * 1000) / processMs });
    }

    return {
      title: 'Queue throughput',
      intro:
        `BullMQ under a unique prefix on the local Redis; ${fmt(opts.jobs)} jobs per drain, the producer's default job options ` +
        `(attempts 5, completed jobs kept). Baseline: ${fmt(pings)} sequential \`PING\` round trips. ` +
        `Ratio = time per job ÷ time per PING (how many round trips one job costs).`,
      table: table(
        ['Case', ' per second', ' ms each', ' ratio'],
        [
          ['baseline: Redis `PING` round trip (sequential)', fmt(pingPerSecond), fmt(1000 / pingPerSecond), '1.00×'],
          ...rows.map((r) => [r.label, fmt(r.perSecond), fmt(1000 / r.perSecond), `${(pingPerSecond / r.perSecond).toFixed(2)}×`]),
        ],
      ),
    };
  } finally {
    await queue.obliterate({ force: true }).catch((e: unknown) => console.error('obliterate failed', e));
    await producer.close();
    await conn.quit();
    await wconn.quit();
  }
}
