import type { Express } from 'express';
import type { Redis } from 'ioredis';
import type { PrismaClient } from '@exam/db';
import { createServiceApp, pgReadiness, redisReadiness, type Logger } from '@exam/http';
import { authMiddleware, createLoginThrottle, createSessionService } from '@exam/auth';
import { createIdentityService } from './identity.service.js';
import { identityRoutes } from './identity.routes.js';

export interface IdentityAppDeps {
  prisma: PrismaClient;
  redis: Redis;
  logger: Logger;
  config: {
    /** Redis key prefix (QUEUE_PREFIX) for the login throttle. */
    QUEUE_PREFIX: string;
    ID_HASH_KEY: string;
    SESSION_IDLE_MINUTES: number;
    SESSION_ABSOLUTE_HOURS: number;
    COOKIE_SECURE: boolean;
  };
  /** Injectable clock (tests). */
  now?: () => Date;
  /** Express `trust proxy`; default: trust X-Forwarded-For only from loopback/private addresses (the gateway). */
  trustProxy?: boolean | string | number;
}

export function buildIdentityApp(deps: IdentityAppDeps): Express {
  const { prisma, redis, config } = deps;
  const now = deps.now ?? (() => new Date());
  const sessions = createSessionService(prisma, {
    idleMinutes: config.SESSION_IDLE_MINUTES,
    absoluteHours: config.SESSION_ABSOLUTE_HOURS,
    now,
  });
  const throttle = createLoginThrottle(redis, config.QUEUE_PREFIX, { maxPerAccount: 5, windowSeconds: 900, maxPerIp: 50 });
  const identity = createIdentityService({ prisma, sessions, throttle, idHashKey: config.ID_HASH_KEY, now });

  return createServiceApp({
    service: 'identity',
    logger: deps.logger,
    trustProxy: deps.trustProxy ?? 'loopback, linklocal, uniquelocal',
    readiness: { db: pgReadiness(prisma), redis: redisReadiness(redis) },
    beforeRoutes: (router) => router.use(authMiddleware(sessions, { cookieSecure: config.COOKIE_SECURE })),
    routes: (router) => identityRoutes(router, { identity, sessions, cookieSecure: config.COOKIE_SECURE }),
  });
}
