import { decryptIdNumber } from '@exam/auth';
import { runService } from '@exam/http';
import { buildReviewApp } from './app.js';

await runService({
  service: 'review-service',
  defaultPort: 3103,
  extraEnv: ['ID_ENC_KEY'],
  build: ({ config, prisma, redis, producer, logger, now, session, trustProxy }) =>
    buildReviewApp({
      prisma,
      redis,
      producer,
      logger,
      now,
      decryptIdNumber: (enc) => decryptIdNumber(config.ID_ENC_KEY, enc),
      session,
      trustProxy,
    }),
});
