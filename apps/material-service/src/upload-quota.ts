import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { UPLOAD_RATE_WINDOW_SECONDS, uploadRateLimited, type UploadLimits } from '@exam/domain';

/** The hourly upload allowance of a candidate. */
export interface UploadRateLimiter {
  /** Takes one upload from the candidate's hourly allowance; throws 429 UPLOAD_RATE_LIMITED when none is left. */
  consume(candidateId: string, now: Date): Promise<void>;
}

/** The two upload limits (hourly in Redis, per exam year in Postgres) and the hourly limiter. */
export interface UploadQuota {
  limits: UploadLimits;
  rate: UploadRateLimiter;
}

/**
 * A fixed one-hour window per candidate in Redis (rate-limiter-flexible's RateLimiterRedis: one Lua script,
 * SET NX EX + INCRBY + PTTL, so replicas count atomically together). While Redis is unreachable an in-process
 * limiter with the same allowance stands in (per process, so the cap is looser for that time but never gone);
 * the per-exam-year cap in Postgres holds regardless.
 */
export function createUploadRateLimiter(
  redis: Redis,
  opts: { keyPrefix: string; perHour: number; windowSeconds?: number },
): UploadRateLimiter {
  const duration = opts.windowSeconds ?? UPLOAD_RATE_WINDOW_SECONDS;
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${opts.keyPrefix}:upload-rate`,
    points: opts.perHour,
    duration,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: 'upload-rate', points: opts.perHour, duration }),
  });
  return {
    async consume(candidateId, now) {
      try {
        await limiter.consume(candidateId, 1);
      } catch (e) {
        if (e instanceof RateLimiterRes) throw uploadRateLimited(opts.perHour, e.msBeforeNext, now);
        throw e;
      }
    },
  };
}
