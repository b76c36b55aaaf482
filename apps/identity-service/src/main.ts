import { Redis } from 'ioredis';
import { ConfigError, loadConfig } from '@exam/config';
import { createPrismaClient } from '@exam/db';
import { createLogger, onShutdown, startHttpServer } from '@exam/http';
import { buildIdentityApp } from './app.js';

const KEYS = [
  'PORT',
  'HOST',
  'DATABASE_URL',
  'DATABASE_POOL_MAX',
  'REDIS_URL',
  'QUEUE_PREFIX',
  'ID_ENC_KEY',
  'ID_HASH_KEY',
  'SESSION_IDLE_MINUTES',
  'SESSION_ABSOLUTE_HOURS',
  'COOKIE_SECURE',
  'LOG_LEVEL',
] as const;

function readConfig() {
  try {
    return loadConfig(KEYS, process.env, { PORT: '3101' });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`identity-service: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
}

const config = readConfig();
const logger = createLogger('identity-service', config.LOG_LEVEL);
const prisma = createPrismaClient(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX });
const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
redis.on('error', (err: Error) => logger.warn({ err }, 'redis error'));

const app = buildIdentityApp({ prisma, redis, logger, config });
const server = await startHttpServer(app, { port: config.PORT, host: config.HOST });
logger.info({ port: server.port, host: config.HOST }, 'identity-service listening');

onShutdown(
  ['SIGINT', 'SIGTERM'],
  async () => {
    await server.close();
    await Promise.allSettled([prisma.$disconnect(), redis.quit()]);
  },
  logger,
);
