// Builds the material app on a fresh database, a unique Redis prefix and a temporary blob directory (tests only).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decryptIdNumber } from '@exam/auth';
import { createPrismaClient } from '@exam/db';
import { createLogger } from '@exam/http';
import { createJobProducer, createRedisConnection, QUEUE_NAMES } from '@exam/queue';
import { FsBlobStorage, type BlobStorage } from '@exam/storage';
import { createTestDatabase, testRedisPrefix, testRedisUrl } from '@exam/testing';
import { buildMaterialApp } from './app.js';
import { TEST_ID_KEYRING, testClock } from '@exam/testing';
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from '@exam/domain';
import { createUploadRateLimiter } from './upload-quota.js';

/** `storage`: the blob storage to use instead of a temporary folder (e.g. an S3-compatible one). */
export async function startMaterialTestApp(opts: { uploadLimits?: Partial<UploadLimits>; storage?: BlobStorage } = {}) {
  const db = await createTestDatabase();
  const prisma = createPrismaClient(db.url);
  const redis = createRedisConnection(testRedisUrl(), 'producer');
  const prefix = testRedisPrefix();
  const producer = createJobProducer(redis, prefix);
  const blobDir = await mkdtemp(join(tmpdir(), 'material-test-'));
  const storage: BlobStorage = opts.storage ?? new FsBlobStorage(blobDir);
  const clock = testClock();
  const limits = { ...DEFAULT_UPLOAD_LIMITS, ...opts.uploadLimits };
  const app = buildMaterialApp({
    prisma,
    redis,
    producer,
    storage,
    logger: createLogger('material-service', 'silent'),
    now: clock.now,
    decryptIdNumber: (enc, candidateId) => decryptIdNumber(TEST_ID_KEYRING, candidateId, enc),
    uploads: { limits, rate: createUploadRateLimiter(redis, { keyPrefix: prefix, perHour: limits.perHour }) },
    session: { idleMinutes: 30, absoluteHours: 12, cookieSecure: false },
  });
  const close = async () => {
    for (const q of QUEUE_NAMES) await producer.queue(q).obliterate({ force: true });
    for await (const keys of redis.scanStream({ match: `${prefix}:upload-rate*` })) if ((keys as string[]).length) await redis.del(...(keys as string[]));
    await producer.close();
    await redis.quit();
    await prisma.$disconnect();
    await db.drop();
    await rm(blobDir, { recursive: true, force: true });
  };
  return { app, prisma, redis, prefix, producer, storage, blobDir, clock, databaseUrl: db.url, close };
}
