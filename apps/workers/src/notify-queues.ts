import type { QueueName } from '@exam/queue';
import type { QueueSettings } from './worker-runtime.js';

/**
 * Each delivery channel's queue gets its own rate limit and concurrency, so a fan-out to a whole district cannot flood
 * the SMS provider or the mail server, and a backlog on one channel never holds back another. SMS and in-app: jobs per
 * second across every worker process (BullMQ keeps the limiter in Redis; one job is one message). Email: a job may carry
 * a batch of mails (notify.deliver-email-batch), so NOTIFY_EMAIL_PER_SECOND counts mails where they are sent
 * (pacedEmailSender in libs/notify, also kept in Redis) and the email queue has no job limiter of its own.
 */
export function notifyQueueSettings(config: {
  NOTIFY_EMAIL_PER_SECOND: number;
  NOTIFY_SMS_PER_SECOND: number;
  NOTIFY_INAPP_PER_SECOND: number;
  NOTIFY_DELIVERY_CONCURRENCY: number;
}): Partial<Record<QueueName, QueueSettings>> {
  const concurrency = config.NOTIFY_DELIVERY_CONCURRENCY;
  const perSecond = (max: number): QueueSettings => ({ concurrency, limiter: { max, duration: 1_000 } });
  return {
    'notify-email': { concurrency },
    'notify-sms': perSecond(config.NOTIFY_SMS_PER_SECOND),
    'notify-inapp': perSecond(config.NOTIFY_INAPP_PER_SECOND),
  };
}
