import type { JobHandler } from '@exam/queue';
import type { WorkerDeps } from './deps.js';
import { pruneAuditLog, purgeRawUploads, purgeRosterUploads } from './retention.service.js';

/** How often the raw-upload purge (images, and roster files never imported) and the audit retention run (repeatable jobs on the deadline queue). */
export const PURGE_RAW_EVERY_MS = 3600_000;
export const AUDIT_RETENTION_EVERY_MS = 24 * 3600_000;

export function retentionHandlers(deps: WorkerDeps): [JobHandler<'deadline.purge-raw'>, JobHandler<'deadline.audit-retention'>] {
  return [
    {
      name: 'deadline.purge-raw',
      async handle() {
        await purgeRawUploads(deps);
        await purgeRosterUploads(deps);
      },
    },
    {
      name: 'deadline.audit-retention',
      async handle() {
        await pruneAuditLog(deps);
      },
    },
  ];
}
