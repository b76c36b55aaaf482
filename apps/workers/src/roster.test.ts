// The roster.import job in a real worker of the `roster` queue: progress reported, candidates written, the process
// refuses to run the roster queue without the ID-number keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUuidV7 } from '@exam/domain';
import { rosterIdReader, rosterIdWriter, uploadRoster } from '@exam/roster';
import { TEST_ID_ENC_KEY, TEST_ID_HASH_KEY, TEST_ID_KEYRING, rosterCsv, rosterRow, seedSite, seedYear } from '@exam/testing';
import { createHandlers } from './handlers.js';
import { startWorkerApp } from './worker-app.js';
import { startWorkers } from './worker-runtime.js';
import { createFixture, quietLogger, type Fixture } from './test-fixtures.js';

describe('roster.import job', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture();
  });
  afterAll(() => f?.close());

  it('imports the uploaded file with progress, once', async () => {
    const year = await seedYear(f.prisma, { districtCode: '12' });
    const site = await seedSite(f.prisma, { districtCode: '12' });
    const data = rosterCsv(Array.from({ length: 1500 }, (_, i) => rosterRow(i, site.code, 'W')));
    const { meta } = await uploadRoster(
      { prisma: f.prisma, storage: f.deps.storage, now: () => new Date(), ids: rosterIdReader(TEST_ID_KEYRING) },
      { examYearId: year.id, districtCode: '12', fileName: 'a.csv', data, createdById: newUuidV7() },
    );
    const rt = startWorkers({
      queues: ['roster'],
      handlers: createHandlers({ ...f.deps, rosterIds: rosterIdWriter(TEST_ID_KEYRING, TEST_ID_HASH_KEY) }),
      redisUrl: f.redisUrl,
      prefix: f.prefix,
      concurrency: 1,
      logger: quietLogger,
    });
    try {
      await f.producer.add('roster.import', { importId: meta.importId });
      await f.producer.add('roster.import', { importId: meta.importId }); // the same job
      const queue = f.producer.queue('roster');
      let state = '';
      for (let i = 0; i < 200 && state !== 'completed' && state !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        state = (await (await queue.getJob(`roster.import__${meta.importId}`))?.getState()) ?? '';
      }
      const job = (await queue.getJob(`roster.import__${meta.importId}`))!;
      expect(state, job.failedReason).toBe('completed');
      expect(job.progress).toBe(100);
      expect(await f.prisma.candidate.count({ where: { examYearId: year.id } })).toBe(1500);
      expect(await f.prisma.auditLog.count({ where: { action: 'roster.import' } })).toBe(1);
    } finally {
      await rt.close();
    }
  });

  it('a process that runs the roster queue refuses to start without the ID-number keys', async () => {
    const env = { NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: f.databaseUrl, REDIS_URL: f.redisUrl, QUEUE_PREFIX: f.prefix, STORAGE_DIR: f.storageDir, WORKER_QUEUES: 'roster', WORKER_HEALTH_PORT: '0' };
    await expect(startWorkerApp(env)).rejects.toThrow(/ID_ENC_KEY/);
    await expect(startWorkerApp({ ...env, ID_ENC_KEY: TEST_ID_ENC_KEY })).rejects.toThrow(/ID_HASH_KEY/);
    const app = await startWorkerApp({ ...env, ID_ENC_KEY: TEST_ID_ENC_KEY, ID_HASH_KEY: TEST_ID_HASH_KEY });
    try {
      expect(app.deps.rosterIds).toBeDefined();
      expect(app.runtime.workers.map((w) => w.name)).toEqual(['roster']);
    } finally {
      await app.close();
    }
  });
});
