import { loadIdKeyring } from '@exam/auth';
import { loadConfig } from '@exam/config';
import { createPrismaClient } from '@exam/db';
import { createLogger, pgReadiness, redisReadiness, refuseDemoDataInProduction } from '@exam/http';
import { DEV_SMTP_URL, SMS_ENV_KEYS, createSmsQuota, createSmsSender, createSmtpEmailSender, pacedEmailSender, type EmailSender } from '@exam/notify';
import { createJobProducer, createRedisConnection } from '@exam/queue';
import { rosterIdWriter } from '@exam/roster';
import { STORAGE_ENV_KEYS, createBlobStorage, describeBlobStorage } from '@exam/storage';
import { systemClock, type WorkerDeps } from './deps.js';
import { keepDeadlineSchedules, type ScheduleKeeper } from './schedule-keeper.js';
import { createHandlers } from './handlers.js';
import { startHealthServer, type HealthServer } from './health.js';
import { notifyQueueSettings } from './notify-queues.js';
import { parseWorkerQueues, startWorkers, type WorkerRuntime } from './worker-runtime.js';
import { createWorkerMetrics } from './worker-metrics.js';

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
      ...STORAGE_ENV_KEYS,
      'SMTP_URL',
      'SMTP_POOL_SIZE',
      'MAIL_FROM',
      'SECURITY_ALERT_EMAIL',
      'WORKER_QUEUES',
      'WORKER_CONCURRENCY',
      'WORKER_HEALTH_PORT',
      'WORKER_SHUTDOWN_TIMEOUT_MS',
      ...SMS_ENV_KEYS,
      'NOTIFY_EMAIL_PER_SECOND',
      'NOTIFY_SMS_PER_SECOND',
      'NOTIFY_INAPP_PER_SECOND',
      'NOTIFY_DELIVERY_CONCURRENCY',
      'RAW_UPLOAD_RETENTION_DAYS',
      'AUDIT_RETENTION_DAYS',
      'SEED_DEMO',
    ],
    env,
    // outside production, mail goes to the local sink the dev runtime starts
    isProduction ? {} : { SMTP_URL: DEV_SMTP_URL },
  );
  const queues = parseWorkerQueues(config.WORKER_QUEUES);
  // roster imports write ID numbers: only a process that runs the roster queue holds the keys, and it refuses to start without them
  const rosterIds = queues.includes('roster')
    ? rosterIdWriter(loadIdKeyring(env), loadConfig(['ID_HASH_KEY'], env).ID_HASH_KEY)
    : undefined;
  if ((queues.includes('notify') || queues.includes('notify-email')) && !config.SMTP_URL) {
    throw new Error('SMTP_URL is required to run the notify and notify-email queues in production');
  }
  // the SMS channel the configuration chooses (file sink or Aliyun), checked now: a missing template code refuses to start
  const sms = createSmsSender(config);

  const logger = createLogger('workers', config.LOG_LEVEL);
  const prisma = createPrismaClient(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX });
  const producerConnection = createRedisConnection(config.REDIS_URL, 'producer');
  producerConnection.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis error'));
  const producer = createJobProducer(producerConnection, config.QUEUE_PREFIX);
  // /metrics on the health port: job durations, queue depth, image and notification outcomes (worker-metrics.ts)
  const metrics = createWorkerMetrics({ producer, queues, onError: (err) => logger.warn({ err: err.message }, 'queue depth not read') });
  const email: EmailSender = config.SMTP_URL
    ? createSmtpEmailSender({ url: config.SMTP_URL, from: config.MAIL_FROM, maxConnections: config.SMTP_POOL_SIZE })
    : { send: () => Promise.reject(new Error('no SMTP_URL configured')), close: async () => undefined };
  const deps: WorkerDeps = {
    prisma,
    storage: createBlobStorage(config),
    producer,
    clock: systemClock,
    // NOTIFY_EMAIL_PER_SECOND counts mails across every worker process, whatever job carried them
    email: metrics.countDeliveries('EMAIL', pacedEmailSender(email, { redis: producerConnection, prefix: config.QUEUE_PREFIX, perSecond: config.NOTIFY_EMAIL_PER_SECOND })),
    sms: metrics.countDeliveries('SMS', sms),
    smsQuota: createSmsQuota({ redis: producerConnection, prefix: config.QUEUE_PREFIX }),
    logger,
    ...(config.SECURITY_ALERT_EMAIL ? { securityAlertEmail: config.SECURITY_ALERT_EMAIL } : {}),
    retention: { rawUploadDays: config.RAW_UPLOAD_RETENTION_DAYS, auditDays: config.AUDIT_RETENTION_DAYS },
    ...(rosterIds ? { rosterIds } : {}),
    metrics,
  };

  const release = async () => {
    await producer.close().catch(() => undefined);
    await producerConnection.quit().catch(() => producerConnection.disconnect());
    await email.close();
    await prisma.$disconnect();
  };

  try {
    // production refuses the demo accounts unless SEED_DEMO=1 (libs/http demo-guard)
    await refuseDemoDataInProduction(prisma, config, logger);
  } catch (err) {
    await release();
    throw err;
  }

  let runtime: WorkerRuntime;
  try {
    runtime = startWorkers({
      queues,
      handlers: metrics.instrument(createHandlers(deps)),
      redisUrl: config.REDIS_URL,
      prefix: config.QUEUE_PREFIX,
      concurrency: config.WORKER_CONCURRENCY,
      queueSettings: notifyQueueSettings(config),
      logger,
    });
  } catch (err) {
    await release();
    throw err;
  }

  // The repeating jobs, registered now and again whenever Redis comes back (maybe empty), with a catch-up each
  // time: the window locks even if no worker ran at the deadline, and jobs Redis lost are queued again.
  let schedules: ScheduleKeeper | undefined;
  if (queues.includes('deadline')) {
    schedules = keepDeadlineSchedules(deps, producerConnection);
    try {
      await schedules.start();
    } catch (err) {
      schedules.stop();
      await runtime.close(1_000);
      await release();
      throw err;
    }
  }

  const worker0 = runtime.connections[0];
  const health = await startHealthServer(
    config.WORKER_HEALTH_PORT,
    config.HOST,
    {
      postgres: pgReadiness(prisma),
      redis: redisReadiness(worker0 ?? producerConnection),
      workers: async () => {
        if (!runtime.isRunning()) throw new Error('workers not running');
      },
      ...(schedules ? { schedules: () => schedules.check() } : {}),
      ...(deps.storage.check ? { storage: () => deps.storage.check!() } : {}),
    },
    { metrics: () => metrics.render() },
  );
  logger.info(
    {
      queues,
      prefix: config.QUEUE_PREFIX,
      concurrency: config.WORKER_CONCURRENCY,
      sms: sms.provider,
      storage: describeBlobStorage(config),
      healthPort: health.port,
    },
    'workers started',
  );

  let closing: Promise<void> | undefined;
  return {
    runtime,
    health,
    deps,
    close: () =>
      (closing ??= (async () => {
        await health.close();
        schedules?.stop();
        const { timedOut } = await runtime.close(config.WORKER_SHUTDOWN_TIMEOUT_MS);
        await release();
        logger.info({ timedOut }, 'workers stopped');
      })()),
  };
}
