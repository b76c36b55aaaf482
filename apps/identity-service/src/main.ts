import { runService } from '@exam/http';
import { SMS_ENV_KEYS, createSmsSender } from '@exam/notify';
import { buildIdentityApp } from './app.js';

await runService({
  service: 'identity-service',
  defaultPort: 3101,
  // the look-up hash key only: identity never needs to read an ID number back
  // and the registration system's launch-link keys (docs/INTEGRATION.md §1)
  extraEnv: ['ID_HASH_KEY', 'LAUNCH_LINK_KEYS', ...SMS_ENV_KEYS],
  build: ({ prisma, redis, producer, logger, config, trustProxy }) =>
    buildIdentityApp({ prisma, redis, producer, logger, config, trustProxy, sms: createSmsSender(config) }),
});
