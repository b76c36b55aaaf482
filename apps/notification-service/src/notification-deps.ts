import type { PrismaClient } from '@exam/db';
import type { JobProducer } from '@exam/queue';
import type { Logger } from '@exam/http';

export interface NotificationDeps {
  prisma: PrismaClient;
  /** gives access to the run's BullMQ queues (queue-health view) */
  producer: JobProducer;
  logger: Logger;
  now: () => Date;
  /** SMS_RECEIPT_TOKEN: the secret path segment of the provider's receipt push; unset = no receipt endpoint */
  smsReceiptToken?: string | undefined;
}
