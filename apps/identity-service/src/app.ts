import type { Express } from 'express';
import type { Redis } from 'ioredis';
import type { PrismaClient } from '@exam/db';
import { createServiceApp, pgReadiness, redisReadiness, type Logger } from '@exam/http';
import {
  authMiddleware,
  createAuthThrottle,
  createDeviceTrust,
  createSessionService,
  parseLaunchKeys,
  writeAudit,
  type AuthThrottleOptions,
  type ThrottleAlert,
} from '@exam/auth';
import type { SmsSender } from '@exam/notify';
import type { JobProducer } from '@exam/queue';
import { createIdentityService } from './identity.service.js';
import { identityRoutes } from './identity.routes.js';
import { adminStaffRoutes } from './admin-staff.routes.js';
import { createAdminStaffService } from './admin-staff.service.js';
import { createPendingLoginStore } from './pending-login.js';
import { createSmsCodeService } from './sms-code.service.js';
import { launchLinkRoutes } from './launch-link.routes.js';
import { createLaunchLinkService } from './launch-link.service.js';

export interface IdentityAppDeps {
  prisma: PrismaClient;
  redis: Redis;
  logger: Logger;
  config: {
    /** Redis key prefix (QUEUE_PREFIX) for the attempt counters and pending logins. */
    QUEUE_PREFIX: string;
    ID_HASH_KEY: string;
    /** The registration system's launch-link keys `kid:base64,…` (validated by libs/config); unset: every link is refused. */
    LAUNCH_LINK_KEYS?: string | undefined;
    SESSION_IDLE_MINUTES: number;
    SESSION_ABSOLUTE_HOURS: number;
    COOKIE_SECURE: boolean;
  };
  /** Where account codes are texted (the notification channel's SMS interface). */
  sms: SmsSender;
  /** Enqueues the security-alert mail (notify.security-alert). */
  producer: JobProducer;
  /** Injectable clock (tests). */
  now?: () => Date;
  /** Express `trust proxy`; default: believe X-Forwarded-For only from loopback (the gateway; runService narrows it to GATEWAY_ADDRESSES). */
  trustProxy?: boolean | string | number;
  /** Tests shrink the windows. */
  throttle?: Partial<AuthThrottleOptions>;
}

export function buildIdentityApp(deps: IdentityAppDeps): Express {
  const { prisma, redis, config, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const sessions = createSessionService(prisma, {
    idleMinutes: config.SESSION_IDLE_MINUTES,
    absoluteHours: config.SESSION_ABSOLUTE_HOURS,
    now,
  });
  // An account blocked, an IP or a network refused: a warning in the log (alert rules watch `alert`), an
  // append-only audit row, and a mail to the operators (SECURITY_ALERT_EMAIL) sent by the notify worker.
  const onAlert = async (alert: ThrottleAlert) => {
    const { account: _account, ...safe } = alert as ThrottleAlert & { account?: string };
    logger.warn({ alert: alert.kind, ...safe }, 'authentication attempts throttled');
    const auditId = await writeAudit(prisma, {
      actorType: 'SYSTEM',
      actorId: null,
      action: 'security.alert',
      targetType: 'account',
      targetId: null,
      ip: 'ip' in alert ? alert.ip : null,
      details: alert,
    });
    await deps.producer.add('notify.security-alert', { auditId: String(auditId) });
  };
  const throttle = createAuthThrottle(redis, config.QUEUE_PREFIX, deps.throttle, onAlert);
  const identity = createIdentityService({
    prisma,
    sessions,
    throttle,
    pending: createPendingLoginStore(redis, config.QUEUE_PREFIX),
    codes: createSmsCodeService({ prisma, redis, prefix: config.QUEUE_PREFIX, sms: deps.sms, secretB64: config.ID_HASH_KEY, now }),
    idHashKey: config.ID_HASH_KEY,
    now,
  });
  const devices = createDeviceTrust(config.ID_HASH_KEY, config.COOKIE_SECURE);
  const launch = createLaunchLinkService({
    prisma,
    redis,
    prefix: config.QUEUE_PREFIX,
    sessions,
    throttle,
    keys: config.LAUNCH_LINK_KEYS ? parseLaunchKeys(config.LAUNCH_LINK_KEYS) : new Map(),
    logger,
    now,
  });

  return createServiceApp({
    service: 'identity',
    logger,
    trustProxy: deps.trustProxy ?? 'loopback',
    readiness: { db: pgReadiness(prisma), redis: redisReadiness(redis) },
    beforeRoutes: (router) => router.use(authMiddleware(sessions, { cookieSecure: config.COOKIE_SECURE })),
    routes: (router) => {
      identityRoutes(router, { identity, sessions, devices, cookieSecure: config.COOKIE_SECURE });
      launchLinkRoutes(router, { launch, sessions, devices, cookieSecure: config.COOKIE_SECURE });
      adminStaffRoutes(router, createAdminStaffService({ prisma, sessions, now }));
    },
  });
}
