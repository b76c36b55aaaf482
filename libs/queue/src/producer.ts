import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOB_QUEUE, QUEUE_NAMES, jobIdFor, type JobName, type JobPayloads, type QueueName } from './jobs.js';

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** The one way services enqueue work: typed name + payload, deterministic job id. */
export interface JobProducer {
  add<N extends JobName>(name: N, payload: JobPayloads[N], opts?: Pick<JobsOptions, 'delay'>): Promise<void>;
  addBulk<N extends JobName>(name: N, payloads: JobPayloads[N][]): Promise<void>;
  queue(name: QueueName): Queue;
  close(): Promise<void>;
}

export function createJobProducer(connection: Redis, prefix: string): JobProducer {
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
      await queue(JOB_QUEUE[name]).add(name, payload, { ...opts, jobId: jobIdFor(name, payload) });
    },
    async addBulk(name, payloads) {
      if (!payloads.length) return;
      await queue(JOB_QUEUE[name]).addBulk(
        payloads.map((p) => ({ name, data: p, opts: { ...DEFAULT_JOB_OPTIONS, jobId: jobIdFor(name, p) } })),
      );
    },
    queue,
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}

export { QUEUE_NAMES };
