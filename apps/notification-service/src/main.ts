import { runService } from '@exam/http';
import { buildNotificationApp } from './app.js';

await runService({
  service: 'notification-service',
  defaultPort: 3104,
  extraEnv: ['SMS_RECEIPT_TOKEN'],
  build: ({ prisma, redis, producer, logger, now, session, trustProxy, config }) =>
    buildNotificationApp({ prisma, redis, producer, logger, now, session, trustProxy, smsReceiptToken: config.SMS_RECEIPT_TOKEN }),
});
