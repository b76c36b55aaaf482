import { QUEUE_NAMES, type JobProducer, type QueueName } from '@exam/queue';

export const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** The admin's queue-health view (add to @exam/api when the front end uses it). */
export interface QueueHealthResponse {
  queues: { name: QueueName; paused: boolean; counts: Record<JobState, number> }[];
}

/** BullMQ job counts per queue under this deployment's prefix. */
export async function queueHealth(producer: JobProducer): Promise<QueueHealthResponse> {
  const queues = await Promise.all(
    QUEUE_NAMES.map(async (name) => {
      const q = producer.queue(name);
      const [counts, paused] = await Promise.all([q.getJobCounts(...JOB_STATES), q.isPaused()]);
      const full = Object.fromEntries(JOB_STATES.map((s) => [s, counts[s] ?? 0])) as Record<JobState, number>;
      return { name, paused, counts: full };
    }),
  );
  return { queues };
}
