import { JOB_QUEUE, jobIdFor, type JobName, type JobPayloads, type JobProducer } from '@exam/queue';

export type RequeueOutcome = 'added' | 'retried' | 're-added' | 'pending';

/**
 * Makes sure the job with this (deterministic) id will run: adds it when absent, retries it when it is kept
 * as failed, replaces it when it is kept as completed (the work is evidently not done), and leaves a job
 * that is waiting, delayed or active alone.
 */
export async function ensureQueued<N extends JobName>(producer: JobProducer, name: N, payload: JobPayloads[N]): Promise<RequeueOutcome> {
  const queue = producer.queue(JOB_QUEUE[name]);
  const job = await queue.getJob(jobIdFor(name, payload));
  if (!job) {
    await producer.add(name, payload);
    return 'added';
  }
  const state = await job.getState();
  if (state === 'failed') {
    await job.retry('failed');
    return 'retried';
  }
  if (state === 'completed') {
    await job.remove();
    await producer.add(name, payload);
    return 're-added';
  }
  if (state === 'unknown') {
    await producer.add(name, payload);
    return 'added';
  }
  return 'pending';
}
