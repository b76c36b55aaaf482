import type { Redis } from 'ioredis';
import { sessionAuth, type SessionSettings } from '@exam/auth';
import { createServiceApp, pgReadiness, redisReadiness } from '@exam/http';
import type { NotificationDeps } from './notification-deps.js';
import { notificationRoutes } from './notification.routes.js';

export interface NotificationAppDeps extends NotificationDeps {
  redis: Redis;
  session: SessionSettings;
  trustProxy?: boolean;
}

/** The notification-service Express app (also what the integration tests drive). */
export function buildNotificationApp(deps: NotificationAppDeps) {
  return createServiceApp({
    service: 'notification',
    logger: deps.logger,
    readiness: { db: pgReadiness(deps.prisma), redis: redisReadiness(deps.redis) },
    trustProxy: deps.trustProxy ?? false,
    beforeRoutes: (router) => router.use(sessionAuth(deps.prisma, deps.session)),
    routes: notificationRoutes(deps),
  });
}
