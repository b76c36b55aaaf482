/** The queues. Frozen: adding one is a code change reviewed with its worker. */
export const QUEUE_NAMES = Object.freeze(['image', 'deadline', 'notify'] as const);
export type QueueName = (typeof QUEUE_NAMES)[number];

/** One typed, id-only payload per job. Payloads never carry blobs or personal data. */
export interface JobPayloads {
  /** validate + normalise + thumbnail one uploaded image */
  'image.process': { imageId: string };
  /** periodic: find exam years whose window ended and returns whose deadline passed */
  'deadline.tick': Record<string, never>;
  /** lock one exam year at its deadline (auto-submit / NOT_SUBMITTED) */
  'deadline.lock-year': { examYearId: string };
  /** close one return whose deadline passed */
  'deadline.expire-return': { returnId: string };
  /** periodic: re-queue anything stuck (images processing too long, outbox rows not sent) */
  'deadline.sweep': Record<string, never>;
  /** periodic: delete the bytes of rejected and deleted images past the retention period (rows stay) */
  'deadline.purge-raw': Record<string, never>;
  /** periodic: delete audit rows older than the audit retention (>= 180 days) */
  'deadline.audit-retention': Record<string, never>;
  /** create outbox rows for every recipient/channel of one dossier transition */
  'notify.fanout': { transitionId: string };
  /** deliver one outbox row on its channel */
  'notify.deliver': { outboxId: string };
  /** create the result notices (审核结果已发布) of every dossier one publication made visible */
  'notify.publication': { publicationId: string };
  /** mail the operators one security alert (an account blocked, an IP throttled): the AuditLog row id */
  'notify.security-alert': { auditId: string };
}
export type JobName = keyof JobPayloads;

/** Which queue carries each job. */
export const JOB_QUEUE: Readonly<Record<JobName, QueueName>> = Object.freeze({
  'image.process': 'image',
  'deadline.tick': 'deadline',
  'deadline.lock-year': 'deadline',
  'deadline.expire-return': 'deadline',
  'deadline.sweep': 'deadline',
  'deadline.purge-raw': 'deadline',
  'deadline.audit-retention': 'deadline',
  'notify.fanout': 'notify',
  'notify.deliver': 'notify',
  'notify.publication': 'notify',
  'notify.security-alert': 'notify',
});

export const JOB_NAMES: readonly JobName[] = Object.freeze(Object.keys(JOB_QUEUE) as JobName[]);

export function jobsOfQueue(queue: QueueName): JobName[] {
  return JOB_NAMES.filter((n) => JOB_QUEUE[n] === queue);
}

/**
 * Deterministic job id: the same logical job enqueued twice is one job.
 * BullMQ forbids ':' in custom ids, so parts are joined with '__'.
 */
export function jobIdFor<N extends JobName>(name: N, payload: JobPayloads[N]): string {
  const parts = Object.keys(payload)
    .sort()
    .map((k) => String((payload as Record<string, unknown>)[k]));
  return [name, ...parts].join('__');
}

export function isJobName(value: string): value is JobName {
  return Object.prototype.hasOwnProperty.call(JOB_QUEUE, value);
}
