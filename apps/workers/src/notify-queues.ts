import type { QueueName } from '@exam/queue';
import type { QueueSettings } from './worker-runtime.js';

/**
 * Each delivery channel's queue gets its own rate limit (jobs per second across every worker process: BullMQ keeps the
 * limiter in Redis) and concurrency, so a fan-out to a whole district cannot flood the SMS provider or the mail server,
 * and a backlog on one channel never holds back another.
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
    'notify-email': perSecond(config.NOTIFY_EMAIL_PER_SECOND),
    'notify-sms': perSecond(config.NOTIFY_SMS_PER_SECOND),
    'notify-inapp': perSecond(config.NOTIFY_INAPP_PER_SECOND),
  };
}
