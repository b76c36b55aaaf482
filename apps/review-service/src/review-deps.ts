import type { PrismaClient } from '@exam/db';
import type { JobProducer } from '@exam/queue';
import type { Logger } from '@exam/http';

/** I/O of the review services (review actions will enqueue notify.fanout through `producer`). */
export interface ReviewDeps {
  prisma: PrismaClient;
  producer: JobProducer;
  logger: Logger;
  now: () => Date;
}
