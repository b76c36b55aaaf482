import type { Redis } from 'ioredis';
import { sessionAuth, type SessionSettings } from '@exam/auth';
import type { ResultsApiClient } from '@exam/config';
import { createServiceApp, pgReadiness, redisReadiness } from '@exam/http';
import type { ReviewDeps } from './review-deps.js';
import { reviewRoutes } from './review.routes.js';
import { mapRosterUploadError } from './roster-upload.middleware.js';
import { exportRoutes } from './export.routes.js';
import { resultsApiRoutes } from './results-api.routes.js';

export interface ReviewAppDeps extends ReviewDeps {
  redis: Redis;
  session: SessionSettings;
  trustProxy?: boolean;
  /** Results API clients (RESULTS_API_CLIENTS) and the Redis key prefix their nonces live under. */
  resultsApi?: { clients: readonly ResultsApiClient[]; keyPrefix: string };
}

/** The review-service Express app (also what the integration tests drive). */
export function buildReviewApp(deps: ReviewAppDeps) {
  return createServiceApp({
    service: 'review',
    logger: deps.logger,
    readiness: { db: pgReadiness(deps.prisma), redis: redisReadiness(deps.redis) },
    trustProxy: deps.trustProxy ?? false,
    beforeRoutes: (router) => router.use(sessionAuth(deps.prisma, deps.session)),
    routes: (router) => {
      resultsApiRoutes({ prisma: deps.prisma, redis: deps.redis, now: deps.now, clients: [], keyPrefix: 'exam', ...deps.resultsApi })(router);
      exportRoutes(deps)(router);
      reviewRoutes(deps)(router);
    },
    mapError: mapRosterUploadError,
  });
}
