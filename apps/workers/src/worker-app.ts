import { loadConfig } from '@exam/config';
import { createPrismaClient } from '@exam/db';
import { createLogger, pgReadiness, redisReadiness } from '@exam/http';
import { DEV_SMTP_URL, FileSmsSender, createSmtpEmailSender, type EmailSender } from '@exam/notify';
import { createJobProducer, createRedisConnection } from '@exam/queue';
import { FsBlobStorage } from '@exam/storage';
import { systemClock, type WorkerDeps } from './deps.js';
import { deadlineTick, sweepStuck } from './deadline.service.js';
import { registerDeadlineSchedules } from './deadline.job.js';
import { createHandlers } from './handlers.js';
import { startHealthServer, type HealthServer } from './health.js';
import { parseWorkerQueues, startWorkers, type WorkerRuntime } from './worker-runtime.js';

export interface WorkerApp {
  runtime: WorkerRuntime;
  health: HealthServer;
  deps: WorkerDeps;
  close(): Promise<void>;
}

/** Parses the environment once, wires the dependencies and starts the workers of `WORKER_QUEUES`. */
export async function startWorkerApp(env: Record<string, string | undefined> = process.env): Promise<WorkerApp> {
  const isProduction = env['NODE_ENV'] === 'production';
  const config = loadConfig(
    [
      'NODE_ENV',
      'LOG_LEVEL',
      'HOST',
      'DATABASE_URL',
      'DATABASE_POOL_MAX',
      'REDIS_URL',
      'QUEUE_PREFIX',
      'STORAGE_DIR',
      'SMTP_URL',
      'MAIL_FROM',
      'WORKER_QUEUES',
      'WORKER_CONCURRENCY',
      'WORKER_HEALTH_PORT',
      'WORKER_SHUTDOWN_TIMEOUT_MS',
      'SMS_DIR',
    ],
    env,
    // outside production, mail goes to the local sink the dev runtime starts
    isProduction ? {} : { SMTP_URL: DEV_SMTP_URL },
  );
  const queues = parseWorkerQueues(config.WORKER_QUEUES);
  if (queues.includes('notify') && !config.SMTP_URL) throw new Error('SMTP_URL is required to run the notify queue in production');

  const logger = createLogger('workers', config.LOG_LEVEL);
  const prisma = createPrismaClient(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX });
  const producerConnection = createRedisConnection(config.REDIS_URL, 'producer');
  const producer = createJobProducer(producerConnection, config.QUEUE_PREFIX);
  const email: EmailSender = config.SMTP_URL
    ? createSmtpEmailSender({ url: config.SMTP_URL, from: config.MAIL_FROM })
    : { send: () => Promise.reject(new Error('no SMTP_URL configured')), close: async () => undefined };
  const deps: WorkerDeps = {
    prisma,
    storage: new FsBlobStorage(config.STORAGE_DIR),
    producer,
    clock: systemClock,
    email,
    sms: new FileSmsSender(config.SMS_DIR),
    logger,
  };

  const release = async () => {
    await producer.close().catch(() => undefined);
    await producerConnection.quit().catch(() => producerConnection.disconnect());
    await email.close();
    await prisma.$disconnect();
  };

  let runtime: WorkerRuntime;
  try {
    runtime = startWorkers({
      queues,
      handlers: createHandlers(deps),
      redisUrl: config.REDIS_URL,
      prefix: config.QUEUE_PREFIX,
      concurrency: config.WORKER_CONCURRENCY,
      logger,
    });
  } catch (err) {
    await release();
    throw err;
  }

  if (queues.includes('deadline')) {
    await registerDeadlineSchedules(producer);
    // catch up after downtime: the window locks even if no worker ran at the deadline
    await deadlineTick(deps).catch((err: unknown) => logger.error({ err }, 'start-up deadline tick failed'));
    await sweepStuck(deps).catch((err: unknown) => logger.error({ err }, 'start-up sweep failed'));
  }

  const worker0 = runtime.connections[0];
  const health = await startHealthServer(config.WORKER_HEALTH_PORT, config.HOST, {
    postgres: pgReadiness(prisma),
    redis: redisReadiness(worker0 ?? producerConnection),
    workers: async () => {
      if (!runtime.isRunning()) throw new Error('workers not running');
    },
  });
  logger.info({ queues, prefix: config.QUEUE_PREFIX, concurrency: config.WORKER_CONCURRENCY, healthPort: health.port }, 'workers started');

  let closing: Promise<void> | undefined;
  return {
    runtime,
    health,
    deps,
    close: () =>
      (closing ??= (async () => {
        await health.close();
        const { timedOut } = await runtime.close(config.WORKER_SHUTDOWN_TIMEOUT_MS);
        await release();
        logger.info({ timedOut }, 'workers stopped');
      })()),
  };
}
