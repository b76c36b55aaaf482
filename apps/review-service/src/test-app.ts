// Builds the review app on a fresh database and a unique Redis prefix (tests only).
import { createPrismaClient } from '@exam/db';
import { createLogger } from '@exam/http';
import { createJobProducer, createRedisConnection } from '@exam/queue';
import { decryptIdNumber } from '@exam/auth';
import { TEST_ID_ENC_KEY, createTestDatabase, testClock, testRedisPrefix, testRedisUrl } from '@exam/testing';
import { buildReviewApp } from './app.js';

/** The review app on its own database and queue prefix; `clock` starts at the real time and can be moved. */
export async function startReviewTestApp() {
  const db = await createTestDatabase();
  const prisma = createPrismaClient(db.url);
  const redis = createRedisConnection(testRedisUrl(), 'producer');
  const prefix = testRedisPrefix();
  const producer = createJobProducer(redis, prefix);
  const clock = testClock(new Date());
  const app = buildReviewApp({
    prisma,
    redis,
    producer,
    logger: createLogger('review-service', 'silent'),
    now: clock.now,
    decryptIdNumber: (enc) => decryptIdNumber(TEST_ID_ENC_KEY, enc),
    session: { idleMinutes: 30, absoluteHours: 12, cookieSecure: false },
  });
  const close = async () => {
    await producer.close();
    await redis.quit();
    await prisma.$disconnect();
    await db.drop();
  };
  return { app, prisma, producer, prefix, clock, close };
}
