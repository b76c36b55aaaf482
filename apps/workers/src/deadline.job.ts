import type { JobHandler, JobProducer } from '@exam/queue';
import type { WorkerDeps } from './deps.js';
import { deadlineTick, expireReturn, lockExamYear, sweepStuck } from './deadline.service.js';
import { AUDIT_RETENTION_EVERY_MS, PURGE_RAW_EVERY_MS } from './retention.job.js';

export const TICK_EVERY_MS = 60_000;
export const SWEEP_EVERY_MS = 5 * 60_000;

type DeadlineHandlers = [
  JobHandler<'deadline.tick'>,
  JobHandler<'deadline.lock-year'>,
  JobHandler<'deadline.expire-return'>,
  JobHandler<'deadline.sweep'>,
];

export function deadlineHandlers(deps: WorkerDeps): DeadlineHandlers {
  return [
    {
      name: 'deadline.tick',
      async handle() {
        await deadlineTick(deps);
      },
    },
    {
      name: 'deadline.lock-year',
      async handle({ examYearId }) {
        await lockExamYear(deps, examYearId);
      },
    },
    {
      name: 'deadline.expire-return',
      async handle({ returnId }) {
        const outcome = await expireReturn(deps, returnId);
        deps.logger.info({ returnId, outcome }, 'deadline.expire-return');
      },
    },
    {
      name: 'deadline.sweep',
      async handle() {
        await sweepStuck(deps);
      },
    },
  ];
}

/**
 * Registers the repeatable jobs under fixed scheduler ids (an upsert: restarts and replicas never duplicate them).
 */
export async function registerDeadlineSchedules(producer: JobProducer): Promise<void> {
  const queue = producer.queue('deadline');
  const opts = { removeOnComplete: { count: 100 }, removeOnFail: { count: 1000 } };
  await queue.upsertJobScheduler('deadline.tick', { every: TICK_EVERY_MS }, { name: 'deadline.tick', data: {}, opts });
  await queue.upsertJobScheduler('deadline.sweep', { every: SWEEP_EVERY_MS }, { name: 'deadline.sweep', data: {}, opts });
  // retention (hardening items 6 and 10): bytes of rejected/deleted images, and audit rows past their retention
  await queue.upsertJobScheduler('deadline.purge-raw', { every: PURGE_RAW_EVERY_MS }, { name: 'deadline.purge-raw', data: {}, opts });
  await queue.upsertJobScheduler('deadline.audit-retention', { every: AUDIT_RETENTION_EVERY_MS }, { name: 'deadline.audit-retention', data: {}, opts });
}
