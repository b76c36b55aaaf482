import type { Express } from 'express';
import type { Redis } from 'ioredis';
import { ConfigError, loadConfig, type Config, type EnvKey } from '@exam/config';
import { createPrismaClient, type PrismaClient } from '@exam/db';
import { createJobProducer, createRedisConnection, type JobProducer } from '@exam/queue';
import { trustGateway } from './client-ip.js';
import { refuseDemoDataInProduction } from './demo-guard.js';
import { createLogger, type Logger } from './logger.js';
import { onShutdown, startHttpServer } from './server.js';

/** Variables every service reads. */
export const SERVICE_ENV_KEYS = [
  'NODE_ENV',
  'LOG_LEVEL',
  'PORT',
  'HOST',
  'DATABASE_URL',
  'DATABASE_POOL_MAX',
  'REDIS_URL',
  'QUEUE_PREFIX',
  'SESSION_IDLE_MINUTES',
  'SESSION_ABSOLUTE_HOURS',
  'COOKIE_SECURE',
  'GATEWAY_ADDRESSES',
  'SEED_DEMO',
] as const;
type ServiceEnvKey = (typeof SERVICE_ENV_KEYS)[number];

/** What a service's `build*App` is given: config parsed once, and the shared I/O. */
export interface ServiceInfra<K extends EnvKey> {
  config: Config<ServiceEnvKey | K>;
  logger: Logger;
  prisma: PrismaClient;
  redis: Redis;
  producer: JobProducer;
  session: { idleMinutes: number; absoluteHours: number; cookieSecure: boolean };
  /** Behind the gateway: always true; runService then limits `trust proxy` to GATEWAY_ADDRESSES (see trustGateway). */
  trustProxy: boolean;
  now: () => Date;
}

/**
 * Boots one Express service: parses its variables (exits 1 naming each bad one), connects Postgres and
 * Redis, builds the app, listens, and on SIGINT/SIGTERM finishes in-flight requests and closes everything.
 */
export async function runService<K extends EnvKey = never>(opts: {
  service: string;
  defaultPort: number;
  extraEnv?: readonly K[];
  build(infra: ServiceInfra<K>): Express;
}): Promise<void> {
  let config: Config<ServiceEnvKey | K>;
  try {
    config = loadConfig<ServiceEnvKey | K>([...SERVICE_ENV_KEYS, ...(opts.extraEnv ?? [])], process.env, {
      PORT: String(opts.defaultPort),
    } as Partial<Record<ServiceEnvKey | K, string>>);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`${opts.service}: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
  const logger = createLogger(opts.service, config.LOG_LEVEL);
  const prisma = createPrismaClient(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX });
  const redis = createRedisConnection(config.REDIS_URL, 'producer');
  redis.on('error', (err: Error) => logger.warn({ err }, 'redis error'));
  const producer = createJobProducer(redis, config.QUEUE_PREFIX);
  try {
    await refuseDemoDataInProduction(prisma, config, logger);
  } catch (e) {
    console.error(`${opts.service}: ${e instanceof ConfigError ? e.message : `demo-data check failed: ${(e as Error).message}`}`);
    await Promise.allSettled([producer.close(), redis.quit(), prisma.$disconnect()]);
    process.exit(1);
  }

  const app = opts.build({
    config,
    logger,
    prisma,
    redis,
    producer,
    session: {
      idleMinutes: config.SESSION_IDLE_MINUTES,
      absoluteHours: config.SESSION_ABSOLUTE_HOURS,
      cookieSecure: config.COOKIE_SECURE,
    },
    trustProxy: true,
    now: () => new Date(),
  });
  // Whatever the service asked for, X-Forwarded-For is believed from the gateway only.
  trustGateway(app, config.GATEWAY_ADDRESSES);
  const server = await startHttpServer(app, { port: config.PORT, host: config.HOST });
  logger.info({ port: server.port, host: config.HOST }, `${opts.service} listening`);

  onShutdown(
    ['SIGINT', 'SIGTERM'],
    async () => {
      await server.close();
      await producer.close();
      await Promise.allSettled([redis.quit(), prisma.$disconnect()]);
    },
    logger,
  );
}
