import { JOB_NAMES, JOB_QUEUE, type JobName, type JobPayloads, type QueueName } from './jobs.js';

/** What a handler knows of its job; `updateProgress` (0–100) lets a UI show a bar (BullMQ `job.updateProgress`). */
export interface JobContext {
  jobId: string;
  attemptsMade: number;
  maxAttempts: number;
  updateProgress?: (percent: number) => Promise<void>;
}

/** A job processor: parses nothing itself (payload is typed), calls a service function. */
export interface JobHandler<N extends JobName = JobName> {
  name: N;
  handle(payload: JobPayloads[N], ctx: JobContext): Promise<void>;
}

export type AnyJobHandler = { [N in JobName]: JobHandler<N> }[JobName];

/**
 * Builds the name -> handler map for the queues a worker process runs, refusing to start when a
 * job name of those queues has no handler or more than one, or when a handler names an unknown job.
 */
export function buildHandlerMap(handlers: readonly AnyJobHandler[], queues: readonly QueueName[]): Map<JobName, AnyJobHandler> {
  const problems: string[] = [];
  const map = new Map<JobName, AnyJobHandler>();
  for (const h of handlers) {
    if (!JOB_NAMES.includes(h.name)) {
      problems.push(`handler for unknown job "${String(h.name)}"`);
      continue;
    }
    if (!queues.includes(JOB_QUEUE[h.name])) continue;
    if (map.has(h.name)) problems.push(`job "${h.name}" has two handlers`);
    map.set(h.name, h);
  }
  for (const name of JOB_NAMES) {
    if (queues.includes(JOB_QUEUE[name]) && !map.has(name)) problems.push(`job "${name}" has no handler`);
  }
  if (problems.length) throw new Error(`Refusing to start workers: ${problems.join('; ')}`);
  return map;
}
