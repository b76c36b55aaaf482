import { decryptIdNumber } from '@exam/auth';
import { runService } from '@exam/http';
import { FsBlobStorage } from '@exam/storage';
import { buildMaterialApp } from './app.js';

await runService({
  service: 'material-service',
  defaultPort: 3102,
  extraEnv: ['STORAGE_DIR', 'ID_ENC_KEY'],
  build: ({ config, prisma, redis, producer, logger, now, session, trustProxy }) =>
    buildMaterialApp({
      prisma,
      redis,
      producer,
      storage: new FsBlobStorage(config.STORAGE_DIR),
      logger,
      now,
      decryptIdNumber: (enc) => decryptIdNumber(config.ID_ENC_KEY, enc),
      session,
      trustProxy,
    }),
});
