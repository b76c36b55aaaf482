// Builds the review app on a fresh database and a unique Redis prefix (tests only).
import { createPrismaClient, type DossierStatus, type ExamSite, type ExamYear, type PrismaClient } from '@exam/db';
import { createLogger } from '@exam/http';
import { createJobProducer, createRedisConnection } from '@exam/queue';
import { createTestDatabase, testRedisPrefix, testRedisUrl } from '@exam/testing';
import { seedCandidate, type SeedCandidateOptions } from '../../material-service/src/test-fixtures.js';
import { buildReviewApp } from './app.js';

export async function startReviewTestApp() {
  const db = await createTestDatabase();
  const prisma = createPrismaClient(db.url);
  const redis = createRedisConnection(testRedisUrl(), 'producer');
  const producer = createJobProducer(redis, testRedisPrefix());
  const app = buildReviewApp({
    prisma,
    redis,
    producer,
    logger: createLogger('review-service', 'silent'),
    now: () => new Date(),
    session: { idleMinutes: 30, absoluteHours: 12, cookieSecure: false },
  });
  const close = async () => {
    await producer.close();
    await redis.quit();
    await prisma.$disconnect();
    await db.drop();
  };
  return { app, prisma, close };
}

/** A candidate with a dossier in `status` (submitted at `submittedAt`). */
export async function seedDossier(
  prisma: PrismaClient,
  year: ExamYear,
  site: ExamSite,
  status: DossierStatus,
  submittedAt: Date | null,
  opts: SeedCandidateOptions = {},
) {
  const candidate = await seedCandidate(prisma, year, site, opts);
  const dossier = await prisma.dossier.create({
    data: { candidateId: candidate.id, examYearId: year.id, siteId: site.id, status, submittedAt },
  });
  return { candidate, dossier };
}
