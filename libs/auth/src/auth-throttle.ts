import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { DomainError } from '@exam/domain';

/**
 * What is being guessed at. Each has its own account buckets, so a flood of wrong passwords does not stop
 * the owner from resetting the password by SMS, and the reverse.
 */
export type AuthAction = 'login' | 'activate' | 'reset' | 'sms-code' | 'totp';

export interface AuthThrottleOptions {
  /** Attempts per account (and per account on one trusted device) in `accountWindowSeconds` before the first block. */
  accountPoints: number;
  accountWindowSeconds: number;
  /** The first block; each further block of the same account within a day doubles it, up to `maxBlockSeconds`. */
  firstBlockSeconds: number;
  maxBlockSeconds: number;
  /** Attempts per client IP (all actions and accounts) in `networkWindowSeconds`; a success gives its point back. */
  ipPoints: number;
  /** Attempts per /24 (IPv4) or /64 (IPv6) network in `networkWindowSeconds`; a success gives its point back. */
  netPoints: number;
  networkWindowSeconds: number;
}

export const AUTH_THROTTLE_DEFAULTS: AuthThrottleOptions = Object.freeze({
  accountPoints: 5,
  accountWindowSeconds: 15 * 60,
  firstBlockSeconds: 15 * 60,
  maxBlockSeconds: 4 * 60 * 60,
  ipPoints: 50,
  netPoints: 300,
  networkWindowSeconds: 15 * 60,
});

export interface AttemptInput {
  action: AuthAction;
  /** e.g. `cand:<报名号>` or `staff:<username>`; hashed before it reaches Redis */
  account: string;
  ip: string;
  /**
   * The device id of a valid device-trust cookie for this account (a browser the owner logged in from before):
   * it gets its own account bucket and skips the IP and network buckets, so strangers' failures never lock it out.
   */
  trustedDevice?: string | null;
}

/** Why an attempt was refused or blocked, for the admin alert. */
export type ThrottleAlert =
  | { kind: 'ACCOUNT_BLOCKED'; action: AuthAction; account: string; ip: string; blockSeconds: number; blockCount: number }
  | { kind: 'IP_THROTTLED'; action: AuthAction; ip: string }
  | { kind: 'NETWORK_THROTTLED'; action: AuthAction; network: string };

export interface AuthAttempt {
  readonly input: AttemptInput;
  /** true for the last attempt the account bucket allowed in its window: its failure starts a block */
  readonly lastAllowed: boolean;
}

export interface AuthThrottle {
  /**
   * Counts the attempt BEFORE anything is checked (atomically, in Redis) and throws 429 LOGIN_THROTTLED when the
   * account, the IP or the network has no attempts left — so N concurrent guesses at one account get at most
   * `accountPoints` evaluated, however they race.
   */
  begin(input: AttemptInput): Promise<AuthAttempt>;
  /** The attempt was right: the account's counters start over and the IP/network get their point back. */
  succeeded(attempt: AuthAttempt): Promise<void>;
  /** The attempt was wrong. The failure that uses up the account's window starts a block (and an alert). */
  failed(attempt: AuthAttempt): Promise<void>;
}

/** 429 in the one error shape; `retryAfterSeconds` tells the page how long to wait. */
export function throttledError(retryAfterSeconds: number, what = '尝试次数过多'): DomainError {
  const secs = Math.max(1, Math.ceil(retryAfterSeconds));
  const wait = secs < 120 ? `${secs} 秒` : `${Math.ceil(secs / 60)} 分钟`;
  return new DomainError('LOGIN_THROTTLED', `${what}，请 ${wait}后再试`, 429, { retryAfterSeconds: secs });
}

/** The /24 of an IPv4 address or the /64 of an IPv6 one (IPv4-mapped IPv6 counts as IPv4). */
export function networkOf(ip: string): string {
  const v4 = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (isIPv4(v4)) return v4.split('.').slice(0, 3).join('.') + '.0/24';
  if (isIPv6(ip)) {
    const [head = '', tail = ''] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':') + '::/64';
  }
  return ip || 'unknown';
}

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex').slice(0, 32);

/** Attempt counters on rate-limiter-flexible (RateLimiterRedis: one atomic Redis script per consume). */
export function createAuthThrottle(
  redis: Redis,
  prefix: string,
  options: Partial<AuthThrottleOptions> = {},
  /** Told once per block of an account and once per window of an IP or network that ran out (admins are alerted). */
  onAlert: (alert: ThrottleAlert) => void | Promise<void> = () => undefined,
): AuthThrottle {
  const o = { ...AUTH_THROTTLE_DEFAULTS, ...options };
  const common = { storeClient: redis, rejectIfRedisNotReady: true } as const;
  const account = new RateLimiterRedis({ ...common, keyPrefix: `${prefix}:auth:acct`, points: o.accountPoints, duration: o.accountWindowSeconds });
  // how many times the account was blocked in the last day: each block doubles the next
  const blocks = new RateLimiterRedis({ ...common, keyPrefix: `${prefix}:auth:blocks`, points: 1_000_000, duration: 24 * 3600 });
  const ipLimiter = new RateLimiterRedis({ ...common, keyPrefix: `${prefix}:auth:ip`, points: o.ipPoints, duration: o.networkWindowSeconds });
  const netLimiter = new RateLimiterRedis({ ...common, keyPrefix: `${prefix}:auth:net`, points: o.netPoints, duration: o.networkWindowSeconds });

  // account names never sit in Redis in clear
  const accountKey = (i: AttemptInput) => `${i.action}:${sha(i.account)}${i.trustedDevice ? `:dev:${sha(i.trustedDevice)}` : ''}`;
  const ipKey = (i: AttemptInput) => i.ip || 'unknown';
  const netKey = (i: AttemptInput) => networkOf(i.ip);

  const refused = (e: unknown): e is RateLimiterRes => e instanceof RateLimiterRes;
  const giveBack = async (limiter: RateLimiterRedis, key: string) => {
    await limiter.reward(key, 1);
  };

  return {
    async begin(input) {
      const aKey = accountKey(input);
      const network = !input.trustedDevice;
      const [net, ip] = network
        ? await Promise.allSettled([netLimiter.consume(netKey(input)), ipLimiter.consume(ipKey(input))])
        : [null, null];
      const netRes = net?.status === 'rejected' ? net.reason : null;
      const ipRes = ip?.status === 'rejected' ? ip.reason : null;
      for (const r of [netRes, ipRes]) if (r && !refused(r)) throw r; // Redis down: the caller answers 503
      if (netRes || ipRes) {
        // refused for the network or the IP: the points the other bucket took are given back
        if (net?.status === 'fulfilled') await giveBack(netLimiter, netKey(input));
        if (ip?.status === 'fulfilled') await giveBack(ipLimiter, ipKey(input));
        const r = (ipRes ?? netRes) as RateLimiterRes;
        // the first refusal of a window is the one that raises the alert
        if (ipRes && (ipRes as RateLimiterRes).consumedPoints === o.ipPoints + 1) await onAlert({ kind: 'IP_THROTTLED', action: input.action, ip: input.ip });
        if (netRes && (netRes as RateLimiterRes).consumedPoints === o.netPoints + 1)
          await onAlert({ kind: 'NETWORK_THROTTLED', action: input.action, network: netKey(input) });
        throw throttledError(r.msBeforeNext / 1000, '该网络的尝试次数过多');
      }
      try {
        const res = await account.consume(aKey);
        return { input, lastAllowed: res.remainingPoints === 0 };
      } catch (e) {
        if (network) {
          await giveBack(netLimiter, netKey(input));
          await giveBack(ipLimiter, ipKey(input));
        }
        if (refused(e)) throw throttledError(e.msBeforeNext / 1000);
        throw e;
      }
    },

    async succeeded(attempt) {
      const i = attempt.input;
      await Promise.all([account.delete(accountKey(i)), blocks.delete(accountKey(i))]);
      if (!i.trustedDevice) await Promise.all([giveBack(netLimiter, netKey(i)), giveBack(ipLimiter, ipKey(i))]);
    },

    async failed(attempt) {
      // Only the attempt that used the window's last point starts a block, however many fail at once.
      if (!attempt.lastAllowed) return;
      const i = attempt.input;
      const key = accountKey(i);
      const n = (await blocks.consume(key)).consumedPoints;
      const blockSeconds = Math.min(o.maxBlockSeconds, o.firstBlockSeconds * 2 ** (n - 1));
      await account.block(key, blockSeconds);
      await onAlert({ kind: 'ACCOUNT_BLOCKED', action: i.action, account: i.account, ip: i.ip, blockSeconds, blockCount: n });
    },
  };
}
