import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { testRedisPrefix, testRedisUrl } from '@exam/testing';
import { createAuthThrottle, networkOf, type ThrottleAlert } from './auth-throttle.js';

const redis = new Redis(testRedisUrl());
const prefix = testRedisPrefix();
beforeAll(async () => {
  await redis.ping(); // the limiters refuse to run on a connection that is not ready yet (callers answer 503)
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe('networkOf', () => {
  it('groups IPv4 by /24 and IPv6 by /64', () => {
    expect(networkOf('203.0.113.77')).toBe('203.0.113.0/24');
    expect(networkOf('::ffff:203.0.113.77')).toBe('203.0.113.0/24');
    expect(networkOf('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
  });
});

describe('auth throttle', () => {
  it('150 concurrent attempts at one account: exactly 5 get through, one block and one alert follow their failures', async () => {
    const alerts: ThrottleAlert[] = [];
    const t = createAuthThrottle(redis, `${prefix}:a`, {}, (a) => void alerts.push(a));
    const results = await Promise.allSettled(
      Array.from({ length: 150 }, (_, i) => t.begin({ action: 'login', account: 'cand:X1', ip: `10.${i}.0.1` })),
    );
    const passed = results.filter((r) => r.status === 'fulfilled');
    expect(passed).toHaveLength(5);
    for (const r of passed) await t.failed((r as PromiseFulfilledResult<Awaited<ReturnType<typeof t.begin>>>).value);
    expect(alerts).toEqual([expect.objectContaining({ kind: 'ACCOUNT_BLOCKED', blockSeconds: 900, blockCount: 1 })]);
  });

  it('a refused attempt takes nothing from the IP, and a success gives the IP its point back', async () => {
    const t = createAuthThrottle(redis, `${prefix}:b`, { ipPoints: 2 });
    const a = await t.begin({ action: 'login', account: 'cand:Y1', ip: '10.1.1.1' });
    await t.succeeded(a);
    const b = await t.begin({ action: 'login', account: 'cand:Y2', ip: '10.1.1.1' });
    await t.succeeded(b);
    // two successes cost the IP nothing: two more attempts are allowed, the third is not
    await t.begin({ action: 'login', account: 'cand:Y3', ip: '10.1.1.1' });
    await t.begin({ action: 'login', account: 'cand:Y4', ip: '10.1.1.1' });
    await expect(t.begin({ action: 'login', account: 'cand:Y5', ip: '10.1.1.1' })).rejects.toMatchObject({ code: 'LOGIN_THROTTLED', status: 429 });
  });
});
