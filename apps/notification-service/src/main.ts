import { loadConfig } from '@exam/config';
import { createPrismaClient } from '@exam/db';
import { createLogger, onShutdown, startHttpServer } from '@exam/http';
import { createJobProducer, createRedisConnection } from '@exam/queue';
import { buildNotificationApp } from './app.js';

const config = loadConfig(
  [
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
  ],
  process.env,
  { PORT: '3104' },
);

const logger = createLogger('notification-service', config.LOG_LEVEL);
const prisma = createPrismaClient(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX });
const redis = createRedisConnection(config.REDIS_URL, 'producer');
const producer = createJobProducer(redis, config.QUEUE_PREFIX);

const app = buildNotificationApp({
  prisma,
  redis,
  producer,
  logger,
  now: () => new Date(),
  session: {
    idleMinutes: config.SESSION_IDLE_MINUTES,
    absoluteHours: config.SESSION_ABSOLUTE_HOURS,
    cookieSecure: config.COOKIE_SECURE,
  },
  trustProxy: config.NODE_ENV === 'production',
});

const server = await startHttpServer(app, { port: config.PORT, host: config.HOST });
logger.info({ port: server.port }, 'notification-service listening');

onShutdown(
  ['SIGINT', 'SIGTERM'],
  async () => {
    await server.close();
    await producer.close();
    await redis.quit();
    await prisma.$disconnect();
  },
  logger,
);
