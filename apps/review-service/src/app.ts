import type { Redis } from 'ioredis';
import { sessionAuth, type SessionSettings } from '@exam/auth';
import { createServiceApp, pgReadiness, redisReadiness } from '@exam/http';
import type { ReviewDeps } from './review-deps.js';
import { reviewRoutes } from './review.routes.js';
import { mapRosterUploadError } from './roster-upload.middleware.js';

export interface ReviewAppDeps extends ReviewDeps {
  redis: Redis;
  session: SessionSettings;
  trustProxy?: boolean;
}

/** The review-service Express app (also what the integration tests drive). */
export function buildReviewApp(deps: ReviewAppDeps) {
  return createServiceApp({
    service: 'review',
    logger: deps.logger,
    readiness: { db: pgReadiness(deps.prisma), redis: redisReadiness(deps.redis) },
    trustProxy: deps.trustProxy ?? false,
    beforeRoutes: (router) => router.use(sessionAuth(deps.prisma, deps.session)),
    routes: reviewRoutes(deps),
    mapError: mapRosterUploadError,
  });
}
