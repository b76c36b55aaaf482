import { createHash } from 'node:crypto';

/**
 * The queues. Frozen: adding one is a code change reviewed with its worker. `notify` creates the outbox rows (fan-out)
 * and mails the security alerts; each delivery channel has its own queue, so each has its own rate limiter and a
 * backlog on one (a district-wide fan-out, a slow SMS provider) never holds back the others. `roster` runs roster
 * imports: its own queue, so a minute-long import holds back nothing, and only the worker process that runs it needs the
 * ID-number keys (WORKER_QUEUES=roster).
 */
export const QUEUE_NAMES = Object.freeze(['image', 'deadline', 'notify', 'notify-email', 'notify-sms', 'notify-inapp', 'roster'] as const);
export type QueueName = (typeof QUEUE_NAMES)[number];

/** The delivery channels of an outbox row (Prisma enum Channel). */
export type DeliveryChannel = 'EMAIL' | 'SMS' | 'INAPP';

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
  /** deliver one outbox row of channel EMAIL (queue notify-email) */
  'notify.deliver-email': { outboxId: string };
  /**
   * deliver up to EMAIL_BATCH outbox rows of channel EMAIL in one job (queue notify-email): a fan-out to a whole
   * district (a reminder) queues its mails this way — one claim, one status write and one job per batch instead of per
   * mail; each mail is still paced by NOTIFY_EMAIL_PER_SECOND and its row still decides its own retries
   */
  'notify.deliver-email-batch': { outboxIds: string[] };
  /** deliver one outbox row of channel SMS (queue notify-sms) */
  'notify.deliver-sms': { outboxId: string };
  /** deliver one outbox row of channel INAPP (queue notify-inapp) */
  'notify.deliver-inapp': { outboxId: string };
  /** create the result notices (审核结果已发布) of every dossier one publication made visible */
  'notify.publication': { publicationId: string };
  /** mail the operators one security alert (an account blocked, an IP throttled): the AuditLog row id */
  'notify.security-alert': { auditId: string };
  /** fan out one deadline reminder (libs/notify reminders.ts): an exam year's upload window (WINDOW_CLOSING_*) or one return (RETURN_DEADLINE_24H) */
  'notify.reminder': { kind: 'WINDOW_CLOSING_24H' | 'WINDOW_CLOSING_2H' | 'RETURN_DEADLINE_24H'; subjectId: string };
  /** import one uploaded roster file (libs/roster; the file and its reports live in blob storage under imports/<importId>/) */
  'roster.import': { importId: string };
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
  'notify.deliver-email': 'notify-email',
  'notify.deliver-email-batch': 'notify-email',
  'notify.deliver-sms': 'notify-sms',
  'notify.deliver-inapp': 'notify-inapp',
  'notify.publication': 'notify',
  'notify.security-alert': 'notify',
  'notify.reminder': 'notify',
  'roster.import': 'roster',
});

/** Mails per notify.deliver-email-batch job. */
export const EMAIL_BATCH = 50;

/** The job that delivers an outbox row of each channel. */
export const DELIVERY_JOB = Object.freeze({
  EMAIL: 'notify.deliver-email',
  SMS: 'notify.deliver-sms',
  INAPP: 'notify.deliver-inapp',
} as const satisfies Record<DeliveryChannel, JobName>);
export type DeliveryJobName = (typeof DELIVERY_JOB)[DeliveryChannel];

export const JOB_NAMES: readonly JobName[] = Object.freeze(Object.keys(JOB_QUEUE) as JobName[]);

export function jobsOfQueue(queue: QueueName): JobName[] {
  return JOB_NAMES.filter((n) => JOB_QUEUE[n] === queue);
}

/**
 * Deterministic job id: the same logical job enqueued twice is one job.
 * BullMQ forbids ':' in custom ids, so parts are joined with '__'; a list of ids (a batch) is its SHA-256, shortened.
 */
export function jobIdFor<N extends JobName>(name: N, payload: JobPayloads[N]): string {
  const parts = Object.keys(payload)
    .sort()
    .map((k) => {
      const v = (payload as Record<string, unknown>)[k];
      return Array.isArray(v) ? createHash('sha256').update(v.join(',')).digest('hex').slice(0, 32) : String(v);
    });
  return [name, ...parts].join('__');
}

export function isJobName(value: string): value is JobName {
  return Object.prototype.hasOwnProperty.call(JOB_QUEUE, value);
}
