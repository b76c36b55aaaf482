import type { PrismaClient } from '@exam/db';
import type { RetentionSettings } from '@exam/domain';
import type { EmailSender, SmsQuota, SmsSender } from '@exam/notify';
import type { JobProducer } from '@exam/queue';
import type { RosterIdWriter } from '@exam/roster';
import type { BlobStorage } from '@exam/storage';
import type { WorkerMetricsSink } from './worker-metrics.js';

/** Clock behind an interface so deadline rules are testable. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** Minimal logger (pino-compatible). */
export interface WorkerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Everything the job services touch, as small interfaces. */
export interface WorkerDeps {
  prisma: PrismaClient;
  storage: BlobStorage;
  producer: JobProducer;
  clock: Clock;
  email: EmailSender;
  sms: SmsSender;
  /** per-phone quota of SMS notices (1 a minute, 10 a day), on Redis */
  smsQuota: SmsQuota;
  logger: WorkerLogger;
  /** SECURITY_ALERT_EMAIL: where security alerts are mailed (unset: they stay in the audit log and the logs) */
  securityAlertEmail?: string;
  /** RAW_UPLOAD_RETENTION_DAYS / AUDIT_RETENTION_DAYS; the libs/domain defaults where absent */
  retention?: Partial<RetentionSettings>;
  /** encrypts and hashes ID numbers for roster imports: set only in a process that runs the `roster` queue */
  rosterIds?: RosterIdWriter;
  /** Prometheus counters the services report to (worker-metrics.ts); absent in most tests */
  metrics?: WorkerMetricsSink;
}

/** How long something may sit PROCESSING / PENDING before the sweeper re-queues it. */
export const STUCK_AFTER_MS = 5 * 60_000;
