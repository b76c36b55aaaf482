import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  QUEUE_NAMES,
  buildHandlerMap,
  createRedisConnection,
  type AnyJobHandler,
  type JobHandler,
  type JobName,
  type QueueName,
} from '@exam/queue';
import type { WorkerLogger } from './deps.js';

/** Parses `WORKER_QUEUES` (comma list of QUEUE_NAMES); refuses unknown or empty lists. */
export function parseWorkerQueues(text: string): QueueName[] {
  const names = [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))];
  const unknown = names.filter((n) => !(QUEUE_NAMES as readonly string[]).includes(n));
  if (unknown.length) throw new Error(`WORKER_QUEUES: unknown queue(s) ${unknown.join(', ')} (known: ${QUEUE_NAMES.join(', ')})`);
  if (!names.length) throw new Error('WORKER_QUEUES: no queue chosen');
  return names as QueueName[];
}

/**
 * A running job's lock: renewed every LOCK_MS / 2 while the process lives. When a worker dies (SIGKILL, OOM, power),
 * its jobs are handed to another worker by the stalled-job check once the lock has expired — within about
 * LOCK_MS + 2 × STALLED_CHECK_MS (BullMQ's defaults, 30 s and 30 s, made that more than a minute).
 */
export const LOCK_MS = 20_000;
export const STALLED_CHECK_MS = 10_000;

/** A queue's own settings: its concurrency in this process, and a rate limit shared by every worker of the queue. */
export interface QueueSettings {
  concurrency?: number;
  /** at most `max` jobs per `duration` ms, counted in Redis across every process running the queue (BullMQ limiter) */
  limiter?: { max: number; duration: number };
}

export interface StartWorkersOptions {
  queues: readonly QueueName[];
  handlers: readonly AnyJobHandler[];
  redisUrl: string;
  prefix: string;
  concurrency: number;
  /** per-queue concurrency and rate limits (the notify delivery queues: `notifyQueueSettings`) */
  queueSettings?: Partial<Record<QueueName, QueueSettings>>;
  logger: WorkerLogger;
}

export interface WorkerRuntime {
  workers: Worker[];
  /** Each worker's own ioredis connection (for readiness checks). */
  connections: Redis[];
  isRunning(): boolean;
  /**
   * Stops taking jobs and waits for in-flight ones up to `timeoutMs`; after that it stops waiting (jobs still
   * running are returned to the queue by BullMQ's stalled-job check once their lock expires). Then quits the
   * connections.
   */
  close(timeoutMs?: number): Promise<{ timedOut: boolean }>;
}

/**
 * One BullMQ Worker per queue, each with its own connection (`maxRetriesPerRequest: null`). Refuses to start —
 * before opening any connection — when a job name of the chosen queues has no handler or two.
 */
export function startWorkers(opts: StartWorkersOptions): WorkerRuntime {
  const map = buildHandlerMap(opts.handlers, opts.queues);
  const connections: Redis[] = [];
  const workers = opts.queues.map((queue) => {
    const connection = createRedisConnection(opts.redisUrl, 'worker');
    connections.push(connection);
    const settings = opts.queueSettings?.[queue];
    const worker = new Worker(
      queue,
      async (job) => {
        const handler = map.get(job.name as JobName) as JobHandler<JobName> | undefined;
        if (!handler) throw new UnrecoverableError(`no handler for job "${job.name}" on queue "${queue}"`);
        await handler.handle(job.data, {
          jobId: String(job.id),
          attemptsMade: job.attemptsMade,
          maxAttempts: job.opts.attempts ?? 1,
          updateProgress: (percent) => job.updateProgress(percent),
        });
      },
      {
        connection,
        prefix: opts.prefix,
        concurrency: settings?.concurrency ?? opts.concurrency,
        ...(settings?.limiter ? { limiter: settings.limiter } : {}),
        lockDuration: LOCK_MS,
        stalledInterval: STALLED_CHECK_MS,
      },
    );
    worker.on('failed', (job, err) =>
      opts.logger.warn({ queue, job: job?.name, jobId: job?.id, attemptsMade: job?.attemptsMade, err: err.message }, 'job failed'),
    );
    worker.on('error', (err) => opts.logger.error({ queue, err: err.message }, 'worker error'));
    return worker;
  });

  let closing: Promise<{ timedOut: boolean }> | undefined;
  return {
    workers,
    connections,
    isRunning: () => workers.every((w) => w.isRunning()),
    close(timeoutMs = 30_000) {
      closing ??= (async () => {
        let timer: NodeJS.Timeout | undefined;
        const graceful = Promise.all(workers.map((w) => w.close())).then(() => false);
        const timeout = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), timeoutMs);
          timer.unref();
        });
        const timedOut = await Promise.race([graceful, timeout]);
        clearTimeout(timer);
        if (timedOut) {
          opts.logger.warn({ timeoutMs }, 'in-flight jobs did not finish in time; they return to the queue as stalled');
          await Promise.all(connections.map((c) => c.disconnect()));
        } else {
          await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
        }
        return { timedOut };
      })();
      return closing;
    },
  };
}
