import { runService } from '@exam/http';
import { buildReviewApp } from './app.js';

await runService({
  service: 'review-service',
  defaultPort: 3103,
  build: ({ prisma, redis, producer, logger, now, session, trustProxy }) =>
    buildReviewApp({ prisma, redis, producer, logger, now, session, trustProxy }),
});
