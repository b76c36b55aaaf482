import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { throttledError } from './account-lock.js';

export interface LoginThrottleOptions {
  /** Failures per account within the window before it is refused. */
  maxPerAccount: number;
  windowSeconds: number;
  /** Failures per client IP within the window before it is refused. */
  maxPerIp: number;
}

export interface LoginThrottle {
  /** Throws DomainError 429 LOGIN_THROTTLED when the account or the IP used up its failures. */
  check(accountKey: string, ip: string): Promise<void>;
  recordFailure(accountKey: string, ip: string): Promise<void>;
  /** Clears the account's failures (after a successful login). */
  reset(accountKey: string): Promise<void>;
}

const DEFAULTS: LoginThrottleOptions = { maxPerAccount: 5, windowSeconds: 900, maxPerIp: 50 };

/** Fixed-window failure counters in Redis. Account keys are hashed, so no account names sit in Redis. */
export function createLoginThrottle(redis: Redis, prefix: string, options: Partial<LoginThrottleOptions> = {}): LoginThrottle {
  const opts = { ...DEFAULTS, ...options };
  const acctKey = (account: string) =>
    `${prefix}:login-throttle:acct:${createHash('sha256').update(account, 'utf8').digest('hex').slice(0, 32)}`;
  const ipKey = (ip: string) => `${prefix}:login-throttle:ip:${ip || 'unknown'}`;

  async function state(key: string): Promise<{ count: number; ttl: number }> {
    const [count, ttl] = await redis.multi().get(key).ttl(key).exec().then((r) => (r ?? []).map((x) => x[1]));
    return { count: Number(count ?? 0), ttl: Number(ttl ?? -2) };
  }
  const minutes = (ttl: number) => Math.max(1, Math.ceil((ttl > 0 ? ttl : opts.windowSeconds) / 60));

  return {
    async check(accountKey, ip) {
      const [a, i] = await Promise.all([state(acctKey(accountKey)), state(ipKey(ip))]);
      if (a.count >= opts.maxPerAccount) throw throttledError(minutes(a.ttl));
      if (i.count >= opts.maxPerIp) throw throttledError(minutes(i.ttl));
    },
    async recordFailure(accountKey, ip) {
      const a = acctKey(accountKey);
      const i = ipKey(ip);
      await redis
        .multi()
        .set(a, 0, 'EX', opts.windowSeconds, 'NX')
        .incr(a)
        .set(i, 0, 'EX', opts.windowSeconds, 'NX')
        .incr(i)
        .exec();
    },
    async reset(accountKey) {
      await redis.del(acctKey(accountKey));
    },
  };
}
