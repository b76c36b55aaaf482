import type { PrismaClient } from '@exam/db';
import type { BlobStorage } from '@exam/storage';
import type { JobProducer } from '@exam/queue';
import type { Logger } from '@exam/http';
import type { UploadQuota } from './upload-quota.js';

/** Everything the material services do I/O through (swapped for real test instances, never mocked). */
export interface MaterialDeps {
  prisma: PrismaClient;
  storage: BlobStorage;
  producer: JobProducer;
  logger: Logger;
  /** the clock; tests move it around the upload window */
  now: () => Date;
  /** decrypts the candidate's ID number (only ever shown masked); the candidate id is the ciphertext's associated data */
  decryptIdNumber: (enc: Uint8Array, candidateId: string) => string;
  /** the upload limits: per hour (Redis) and per exam year (Postgres) */
  uploads: UploadQuota;
}

export interface CandidateActor {
  candidateId: string;
  ip: string | null;
}
