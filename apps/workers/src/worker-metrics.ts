// The workers' Prometheus metrics, served as /metrics on their health port (WORKER_HEALTH_PORT): how long each job
// takes by job name, how deep each queue of the process is, what became of each processed image, and how the
// providers answered each email and SMS. The process's own metrics (CPU, memory, event-loop lag) come with them.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { renderMetrics } from '@exam/http';
import type { AnyJobHandler, DeliveryChannel, JobProducer, QueueName } from '@exam/queue';
import type { ImageOutcome } from './image.service.js';

/** Seconds: a delivery or an image is well under a second, a deadline lock of a district or a purge may take minutes. */
export const JOB_DURATION_BUCKETS: readonly number[] = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** The BullMQ states reported as queue depth. */
export const QUEUE_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;

/** What the job services report (WorkerDeps.metrics); absent in tests that do not care. */
export interface WorkerMetricsSink {
  /** An image.process run ended: READY and REJECTED are counted (a skipped run changed nothing). */
  imageProcessed(outcome: ImageOutcome): void;
}

export interface WorkerMetrics extends WorkerMetricsSink {
  registry: Registry;
  /** The same handlers, each run timed into exam_job_duration_seconds{job, outcome}. */
  instrument(handlers: readonly AnyJobHandler[]): AnyJobHandler[];
  /** The same sender, each provider call counted into exam_notifications_total{channel, outcome=sent|failed}. */
  countDeliveries<S extends { send(...args: never[]): Promise<unknown> }>(channel: DeliveryChannel, sender: S): S;
  /** The Prometheus text of these metrics and the process's own. */
  render(): Promise<{ contentType: string; body: string }>;
}

export function createWorkerMetrics(opts: { producer: JobProducer; queues: readonly QueueName[]; onError?: (err: Error) => void }): WorkerMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'workers' });

  const jobDuration = new Histogram({
    name: 'exam_job_duration_seconds',
    help: 'Time a job handler ran, by job name and outcome (failed: it threw; BullMQ retries it if attempts remain)',
    labelNames: ['job', 'outcome'] as const,
    buckets: [...JOB_DURATION_BUCKETS],
    registers: [registry],
  });
  const images = new Counter({
    name: 'exam_images_processed_total',
    help: 'Images the image worker finished, by outcome (READY 合格 / REJECTED 不合格)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const notifications = new Counter({
    name: 'exam_notifications_total',
    help: 'Notices handed to a provider, by channel and outcome (failed attempts are retried while attempts remain)',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  });
  for (const outcome of ['READY', 'REJECTED']) images.inc({ outcome }, 0);
  new Gauge({
    name: 'exam_queue_jobs',
    help: 'Jobs in each queue this process runs, by state (read from Redis at scrape time; the same for every worker of a queue)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      try {
        const counts = await Promise.all(opts.queues.map((q) => opts.producer.queue(q).getJobCounts(...QUEUE_STATES)));
        this.reset();
        counts.forEach((c, i) => {
          for (const state of QUEUE_STATES) this.set({ queue: opts.queues[i]!, state }, c[state] ?? 0);
        });
      } catch (err) {
        // Redis away: no depth rather than a stale one (the rest of the page still answers)
        this.reset();
        opts.onError?.(err as Error);
      }
    },
  });

  return {
    registry,
    instrument: (handlers) =>
      handlers.map(
        (h) =>
          ({
            name: h.name,
            async handle(payload: never, ctx: Parameters<AnyJobHandler['handle']>[1]) {
              const end = jobDuration.startTimer({ job: h.name });
              try {
                await (h.handle as (p: never, c: typeof ctx) => Promise<void>)(payload, ctx);
                end({ outcome: 'completed' });
              } catch (err) {
                end({ outcome: 'failed' });
                throw err;
              }
            },
          }) as AnyJobHandler,
      ),
    imageProcessed(outcome) {
      if (outcome === 'ready') images.inc({ outcome: 'READY' });
      else if (outcome === 'rejected') images.inc({ outcome: 'REJECTED' });
    },
    countDeliveries(channel, sender) {
      return new Proxy(sender, {
        get(target, prop) {
          if (prop === 'send') {
            return async (...args: never[]) => {
              try {
                const result = await target.send(...args);
                notifications.inc({ channel, outcome: 'sent' });
                return result;
              } catch (err) {
                notifications.inc({ channel, outcome: 'failed' });
                throw err;
              }
            };
          }
          const value: unknown = Reflect.get(target, prop, target);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    },
    render: () => renderMetrics([registry]),
  };
}
