import type { Redis } from 'ioredis';
import { authMiddleware, createSessionService } from '@exam/auth';
import { createServiceApp, pgReadiness, redisReadiness } from '@exam/http';
import type { ReviewDeps } from './review-deps.js';
import { reviewRoutes } from './review.routes.js';

export interface ReviewAppDeps extends ReviewDeps {
  redis: Redis;
  session: { idleMinutes: number; absoluteHours: number; cookieSecure: boolean };
  trustProxy?: boolean;
}

/** The review-service Express app (also what the integration tests drive). */
export function buildReviewApp(deps: ReviewAppDeps) {
  const sessions = createSessionService(deps.prisma, {
    idleMinutes: deps.session.idleMinutes,
    absoluteHours: deps.session.absoluteHours,
  });
  return createServiceApp({
    service: 'review',
    logger: deps.logger,
    readiness: { db: pgReadiness(deps.prisma), redis: redisReadiness(deps.redis) },
    trustProxy: deps.trustProxy ?? false,
    beforeRoutes: (router) => router.use(authMiddleware(sessions, { cookieSecure: deps.session.cookieSecure })),
    routes: reviewRoutes(deps),
  });
}
