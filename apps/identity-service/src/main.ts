import { runService } from '@exam/http';
import { buildIdentityApp } from './app.js';

await runService({
  service: 'identity-service',
  defaultPort: 3101,
  extraEnv: ['ID_ENC_KEY', 'ID_HASH_KEY'],
  build: ({ prisma, redis, logger, config }) => buildIdentityApp({ prisma, redis, logger, config }),
});
