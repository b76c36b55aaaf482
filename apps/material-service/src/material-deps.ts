import type { PrismaClient } from '@exam/db';
import type { BlobStorage } from '@exam/storage';
import type { JobProducer } from '@exam/queue';
import type { Logger } from '@exam/http';

/** Everything the material services do I/O through (swapped for real test instances, never mocked). */
export interface MaterialDeps {
  prisma: PrismaClient;
  storage: BlobStorage;
  producer: JobProducer;
  logger: Logger;
  /** the clock; tests move it around the upload window */
  now: () => Date;
  /** decrypts the candidate's ID number (only ever shown masked) */
  decryptIdNumber: (enc: Uint8Array) => string;
}

export interface CandidateActor {
  candidateId: string;
  ip: string | null;
}
