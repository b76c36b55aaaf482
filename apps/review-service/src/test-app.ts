// Builds the review app on a fresh database, a unique Redis prefix and its own storage folder (tests only).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrismaClient } from '@exam/db';
import { createLogger } from '@exam/http';
import { createJobProducer, createRedisConnection } from '@exam/queue';
import { decryptIdNumber } from '@exam/auth';
import { TEST_ID_KEYRING, createTestDatabase, testRedisPrefix, testRedisUrl } from '@exam/testing';
import { FsBlobStorage } from '@exam/storage';
import { buildReviewApp, type ReviewAppDeps } from './app.js';

/** The review app on its own database and queue prefix; its clock runs with real time and can be moved on. */
export async function startReviewTestApp(extra: Pick<ReviewAppDeps, 'resultsApi'> = {}) {
  const db = await createTestDatabase();
  const prisma = createPrismaClient(db.url);
  const redis = createRedisConnection(testRedisUrl(), 'producer');
  const prefix = testRedisPrefix();
  const storageDir = await mkdtemp(join(tmpdir(), 'review-test-'));
  const storage = new FsBlobStorage(storageDir);
  const producer = createJobProducer(redis, prefix);
  // real time (the factories stamp rows with it too), movable forward
  let offset = 0;
  const clock = { now: () => new Date(Date.now() + offset), advance: (ms: number) => void (offset += ms) };
  const app = buildReviewApp({
    prisma,
    redis,
    producer,
    logger: createLogger('review-service', 'silent'),
    now: clock.now,
    decryptIdNumber: (enc, candidateId) => decryptIdNumber(TEST_ID_KEYRING, candidateId, enc),
    storage,
    session: { idleMinutes: 30, absoluteHours: 12, cookieSecure: false },
    ...extra,
  });
  const close = async () => {
    await producer.close();
    await redis.quit();
    await prisma.$disconnect();
    await db.drop();
    await rm(storageDir, { recursive: true, force: true });
  };
  return { app, prisma, producer, prefix, clock, storage, databaseUrl: db.url, close };
}
