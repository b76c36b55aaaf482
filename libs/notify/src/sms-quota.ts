import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { SMS_QUOTA, normaliseMobile } from './delivery.js';

export type SmsQuotaResult = { ok: true } | { ok: false; reason: 'SMS_QUOTA_MINUTE' | 'SMS_QUOTA_DAY'; retryAfterSeconds: number };

/** The per-phone quota of SMS notices: at most `perMinute` a minute and `perDay` a day (SMS_QUOTA), counted in Redis. */
export interface SmsQuota {
  /** Takes one message from the phone's quota, atomically (replicas count together); refuses when it is used up. */
  take(phone: string): Promise<SmsQuotaResult>;
  /** Gives the message back (it was not sent after all). */
  giveBack(phone: string): Promise<void>;
}

/** The Redis key part of a phone: a hash, so the quota keys do not list the candidates' numbers. */
const phoneKey = (phone: string) => createHash('sha256').update(normaliseMobile(phone) ?? phone.trim()).digest('hex').slice(0, 32);

/**
 * rate-limiter-flexible on Redis: a fixed 60-second window and a fixed 24-hour window per phone. A Redis failure is
 * thrown (the delivery is retried), never read as "allowed" or "refused".
 */
export function createSmsQuota(opts: { redis: Redis; prefix: string; perMinute?: number; perDay?: number }): SmsQuota {
  const common = { storeClient: opts.redis, rejectIfRedisNotReady: true } as const;
  const perMinute = new RateLimiterRedis({ ...common, keyPrefix: `${opts.prefix}:sms-quota:min`, points: opts.perMinute ?? SMS_QUOTA.perMinute, duration: 60 });
  const perDay = new RateLimiterRedis({ ...common, keyPrefix: `${opts.prefix}:sms-quota:day`, points: opts.perDay ?? SMS_QUOTA.perDay, duration: 86_400 });

  /** null when taken; else the seconds until the window frees a message (the refused point is given back at once) */
  const consume = async (limiter: RateLimiterRedis, key: string): Promise<number | null> => {
    try {
      await limiter.consume(key);
      return null;
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      await limiter.reward(key, 1);
      return Math.max(1, Math.ceil(e.msBeforeNext / 1000));
    }
  };

  return {
    async take(phone) {
      const key = phoneKey(phone);
      const minute = await consume(perMinute, key);
      if (minute !== null) return { ok: false, reason: 'SMS_QUOTA_MINUTE', retryAfterSeconds: minute };
      const day = await consume(perDay, key);
      if (day !== null) {
        await perMinute.reward(key, 1);
        return { ok: false, reason: 'SMS_QUOTA_DAY', retryAfterSeconds: day };
      }
      return { ok: true };
    },
    async giveBack(phone) {
      const key = phoneKey(phone);
      await Promise.all([perMinute.reward(key, 1), perDay.reward(key, 1)]);
    },
  };
}
