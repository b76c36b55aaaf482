import { runService } from '@exam/http';
import { buildNotificationApp } from './app.js';

await runService({
  service: 'notification-service',
  defaultPort: 3104,
  build: ({ prisma, redis, producer, logger, now, session, trustProxy }) =>
    buildNotificationApp({ prisma, redis, producer, logger, now, session, trustProxy }),
});
