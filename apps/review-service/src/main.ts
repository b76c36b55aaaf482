import { decryptIdNumber, loadIdKeyring, type IdKeyring } from '@exam/auth';
import { runService } from '@exam/http';
import { STORAGE_ENV_KEYS, createBlobStorage } from '@exam/storage';
import { buildReviewApp } from './app.js';

// the ID-number keyring (masked display, and the audited 查看完整证件号); refuses to start without it
let idKeys: IdKeyring;
try {
  idKeys = loadIdKeyring();
} catch (e) {
  console.error(`review-service: ${(e as Error).message}`);
  process.exit(1);
}

await runService({
  service: 'review-service',
  defaultPort: 3103,
  // roster import files and reports live in the blob storage the workers read too
  extraEnv: [...STORAGE_ENV_KEYS, 'RESULTS_API_CLIENTS'],
  build: ({ config, prisma, redis, producer, logger, now, session, trustProxy }) =>
    buildReviewApp({
      prisma,
      redis,
      producer,
      logger,
      now,
      decryptIdNumber: (enc, candidateId) => decryptIdNumber(idKeys, candidateId, enc),
      storage: createBlobStorage(config),
      session,
      trustProxy,
      resultsApi: { clients: config.RESULTS_API_CLIENTS ?? [], keyPrefix: config.QUEUE_PREFIX },
    }),
});
