import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOB_QUEUE, QUEUE_NAMES, jobIdFor, type JobName, type JobPayloads, type QueueName } from './jobs.js';

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * Jobs whose failures are mostly someone else's server being busy get more, slower retries: an email or SMS answered
 * 4xx, or a connection refused, is tried again after 15 s, 30 s, 1, 2, 4, 8 and 16 minutes (about half an hour in all,
 * long enough for greylisting and a provider's short outage).
 */
export const JOB_OPTIONS: Readonly<Partial<Record<JobName, JobsOptions>>> = Object.freeze({
  'notify.deliver-email': { attempts: 8, backoff: { type: 'exponential', delay: 15_000 } },
  'notify.deliver-email-batch': { attempts: 8, backoff: { type: 'exponential', delay: 15_000 } },
  'notify.deliver-sms': { attempts: 8, backoff: { type: 'exponential', delay: 15_000 } },
});

/** The options a job is added with (its own where it has some, else the defaults). */
export function jobOptionsFor(name: JobName, overrides: Partial<Record<JobName, JobsOptions>> = {}): JobsOptions {
  return { ...DEFAULT_JOB_OPTIONS, ...JOB_OPTIONS[name], ...overrides[name] };
}

/** The one way services enqueue work: typed name + payload, deterministic job id. */
export interface JobProducer {
  add<N extends JobName>(name: N, payload: JobPayloads[N], opts?: Pick<JobsOptions, 'delay'>): Promise<void>;
  addBulk<N extends JobName>(name: N, payloads: JobPayloads[N][]): Promise<void>;
  queue(name: QueueName): Queue;
  close(): Promise<void>;
}

/**
 * `jobOptions` replaces the options of some jobs (tests: short backoffs); production uses `JOB_OPTIONS`.
 */
export function createJobProducer(connection: Redis, prefix: string, jobOptions: Partial<Record<JobName, JobsOptions>> = {}): JobProducer {
  const queues = new Map<QueueName, Queue>();
  const queue = (name: QueueName) => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
      // the connection's errors (Redis away) are logged by whoever made it; without a listener BullMQ would
      // print every reconnection attempt's stack to stderr
      q.on('error', () => undefined);
      queues.set(name, q);
    }
    return q;
  };
  return {
    async add(name, payload, opts) {
      await queue(JOB_QUEUE[name]).add(name, payload, { ...jobOptionsFor(name, jobOptions), ...opts, jobId: jobIdFor(name, payload) });
    },
    async addBulk(name, payloads) {
      if (!payloads.length) return;
      await queue(JOB_QUEUE[name]).addBulk(
        payloads.map((p) => ({ name, data: p, opts: { ...jobOptionsFor(name, jobOptions), jobId: jobIdFor(name, p) } })),
      );
    },
    queue,
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}

export { QUEUE_NAMES };
