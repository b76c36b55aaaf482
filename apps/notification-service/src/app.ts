import type { Redis } from 'ioredis';
import { authMiddleware, createSessionService } from '@exam/auth';
import { createServiceApp, pgReadiness, redisReadiness } from '@exam/http';
import type { NotificationDeps } from './notification-deps.js';
import { notificationRoutes } from './notification.routes.js';

export interface NotificationAppDeps extends NotificationDeps {
  redis: Redis;
  session: { idleMinutes: number; absoluteHours: number; cookieSecure: boolean };
  trustProxy?: boolean;
}

/** The notification-service Express app (also what the integration tests drive). */
export function buildNotificationApp(deps: NotificationAppDeps) {
  const sessions = createSessionService(deps.prisma, {
    idleMinutes: deps.session.idleMinutes,
    absoluteHours: deps.session.absoluteHours,
  });
  return createServiceApp({
    service: 'notification',
    logger: deps.logger,
    readiness: { db: pgReadiness(deps.prisma), redis: redisReadiness(deps.redis) },
    trustProxy: deps.trustProxy ?? false,
    beforeRoutes: (router) => router.use(authMiddleware(sessions, { cookieSecure: deps.session.cookieSecure })),
    routes: notificationRoutes(deps),
  });
}
