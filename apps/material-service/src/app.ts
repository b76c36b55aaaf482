import type { Redis } from 'ioredis';
import { sessionAuth, type SessionSettings } from '@exam/auth';
import { createServiceApp, pgReadiness, redisReadiness, requireRedisReady } from '@exam/http';
import type { MaterialDeps } from './material-deps.js';
import { materialRoutes } from './material.routes.js';
import { mapUploadError } from './upload.middleware.js';
import { yearCatalogRoutes } from './year-catalog.routes.js';

export interface MaterialAppDeps extends MaterialDeps {
  redis: Redis;
  session: SessionSettings;
  trustProxy?: boolean;
}

/** The material-service Express app (also what the integration tests drive). */
export function buildMaterialApp(deps: MaterialAppDeps) {
  return createServiceApp({
    service: 'material',
    logger: deps.logger,
    readiness: {
      db: pgReadiness(deps.prisma),
      redis: redisReadiness(deps.redis),
      // the blob storage answers (the folder is writable / the bucket is there and the keys may use it)
      ...(deps.storage.check ? { storage: () => deps.storage.check!() } : {}),
    },
    trustProxy: deps.trustProxy ?? false,
    beforeRoutes: (router) => {
      router.use(sessionAuth(deps.prisma, deps.session));
      // an upload needs its image.process job: while Redis is away, 503 before anything is stored
      router.post('/images', requireRedisReady(deps.redis));
    },
    routes: (router) => {
      materialRoutes(deps)(router);
      yearCatalogRoutes(deps)(router);
    },
    mapError: mapUploadError,
  });
}
