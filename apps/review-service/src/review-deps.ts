import type { PrismaClient } from '@exam/db';
import type { JobProducer } from '@exam/queue';
import type { Logger } from '@exam/http';
import type { BlobStorage } from '@exam/storage';

/** I/O of the review services (decisions enqueue their notices through `producer`, via the dossier door). */
export interface ReviewDeps {
  prisma: PrismaClient;
  producer: JobProducer;
  logger: Logger;
  now: () => Date;
  /** decrypts a candidate's ID number (shown masked; in full only on an audited request); the candidate id is its associated data */
  decryptIdNumber: (enc: Uint8Array, candidateId: string) => string;
  /** roster import files and their reports (imports/<importId>/…) */
  storage: BlobStorage;
}
