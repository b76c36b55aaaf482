import type { JobHandler } from '@exam/queue';
import type { WorkerDeps } from './deps.js';
import { deliverOutbox, fanoutPublication, fanoutTransition } from './notify.service.js';
import { sendSecurityAlert } from './security-alert.service.js';

export function notifyHandlers(
  deps: WorkerDeps,
): [JobHandler<'notify.fanout'>, JobHandler<'notify.deliver'>, JobHandler<'notify.publication'>, JobHandler<'notify.security-alert'>] {
  return [
    {
      name: 'notify.fanout',
      async handle({ transitionId }) {
        await fanoutTransition(deps, transitionId);
      },
    },
    {
      name: 'notify.deliver',
      async handle({ outboxId }, ctx) {
        await deliverOutbox(deps, outboxId, { attemptsMade: ctx.attemptsMade });
      },
    },
    {
      name: 'notify.publication',
      async handle({ publicationId }) {
        await fanoutPublication(deps, publicationId);
      },
    },
    {
      name: 'notify.security-alert',
      async handle({ auditId }) {
        await sendSecurityAlert(deps, auditId);
      },
    },
  ];
}
