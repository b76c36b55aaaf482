import { decryptIdNumber, loadIdKeyring, type IdKeyring } from '@exam/auth';
import { runService } from '@exam/http';
import { STORAGE_ENV_KEYS, createBlobStorage, describeBlobStorage } from '@exam/storage';
import { buildMaterialApp } from './app.js';
import { createUploadRateLimiter } from './upload-quota.js';

// the ID-number keyring (decrypt only, to show the candidate their masked number); refuses to start without it
let idKeys: IdKeyring;
try {
  idKeys = loadIdKeyring();
} catch (e) {
  console.error(`material-service: ${(e as Error).message}`);
  process.exit(1);
}

await runService({
  service: 'material-service',
  defaultPort: 3102,
  extraEnv: [...STORAGE_ENV_KEYS, 'UPLOAD_LIMIT_PER_HOUR', 'UPLOAD_LIMIT_PER_YEAR'],
  build: ({ config, prisma, redis, producer, logger, now, session, trustProxy }) => {
    logger.info({ storage: describeBlobStorage(config) }, 'blob storage');
    return buildMaterialApp({
      prisma,
      redis,
      producer,
      // STORAGE_DRIVER: files under STORAGE_DIR, or the S3-compatible bucket every instance shares
      storage: createBlobStorage(config),
      logger,
      now,
      decryptIdNumber: (enc, candidateId) => decryptIdNumber(idKeys, candidateId, enc),
      uploads: {
        limits: { perHour: config.UPLOAD_LIMIT_PER_HOUR, perExamYear: config.UPLOAD_LIMIT_PER_YEAR },
        rate: createUploadRateLimiter(redis, { keyPrefix: config.QUEUE_PREFIX, perHour: config.UPLOAD_LIMIT_PER_HOUR }),
      },
      session,
      trustProxy,
    });
  },
});
