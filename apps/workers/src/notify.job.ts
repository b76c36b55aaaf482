import { DELIVERY_JOB, type AnyJobHandler, type DeliveryChannel, type JobHandler } from '@exam/queue';
import type { WorkerDeps } from './deps.js';
import { deliverEmailBatch, deliverOutbox, fanoutPublication, fanoutTransition } from './notify.service.js';
import { fanoutReminder } from './notify-reminder.service.js';
import { sendSecurityAlert } from './security-alert.service.js';

/** The notify jobs: fan-outs (transitions, publications, reminders) and security alerts (queue `notify`), one delivery job per channel (its own queue). */
export function notifyHandlers(deps: WorkerDeps): AnyJobHandler[] {
  return [
    {
      name: 'notify.fanout',
      async handle({ transitionId }) {
        await fanoutTransition(deps, transitionId);
      },
    },
    {
      name: 'notify.publication',
      async handle({ publicationId }) {
        await fanoutPublication(deps, publicationId);
      },
    },
    {
      name: 'notify.reminder',
      async handle({ kind, subjectId }) {
        await fanoutReminder(deps, kind, subjectId);
      },
    },
    {
      name: 'notify.security-alert',
      async handle({ auditId }) {
        await sendSecurityAlert(deps, auditId);
      },
    },
    deliverHandler(deps, 'EMAIL'),
    {
      name: 'notify.deliver-email-batch',
      async handle({ outboxIds }, ctx) {
        await deliverEmailBatch(deps, outboxIds, { attemptsMade: ctx.attemptsMade, maxAttempts: ctx.maxAttempts });
      },
    },
    deliverHandler(deps, 'SMS'),
    deliverHandler(deps, 'INAPP'),
  ];
}

/** The delivery job of one channel: the row, the attempt and how many attempts the job has (its last one decides). */
function deliverHandler<C extends DeliveryChannel>(deps: WorkerDeps, channel: C): JobHandler<(typeof DELIVERY_JOB)[C]> {
  return {
    name: DELIVERY_JOB[channel],
    async handle({ outboxId }, ctx) {
      await deliverOutbox(deps, outboxId, { attemptsMade: ctx.attemptsMade, maxAttempts: ctx.maxAttempts, channel });
    },
  };
}
