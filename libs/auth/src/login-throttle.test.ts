import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { DomainError } from '@exam/domain';
import { testRedisPrefix, testRedisUrl } from '@exam/testing';
import { createLoginThrottle } from './login-throttle.js';

const redis = new Redis(testRedisUrl());
const prefix = testRedisPrefix();

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe('login throttle', () => {
  it('refuses an account after 5 failures with the minutes left, and reset clears it', async () => {
    const t = createLoginThrottle(redis, prefix, { maxPerAccount: 5, windowSeconds: 900, maxPerIp: 50 });
    for (let i = 0; i < 5; i++) {
      await t.check('cand:A1', '10.0.0.1');
      await t.recordFailure('cand:A1', '10.0.0.1');
    }
    const err = await t.check('cand:A1', '10.0.0.1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ status: 429, code: 'LOGIN_THROTTLED', message: '登录失败次数过多，请 15 分钟后再试' });
    await t.check('cand:B1', '10.0.0.1'); // other accounts are not affected
    expect(await redis.keys(`${prefix}:*A1*`)).toEqual([]); // account names are hashed
    await t.reset('cand:A1');
    await t.check('cand:A1', '10.0.0.1');
  });

  it('refuses an IP that failed too often across accounts', async () => {
    const t = createLoginThrottle(redis, prefix, { maxPerAccount: 5, windowSeconds: 60, maxPerIp: 3 });
    for (const acct of ['x1', 'x2', 'x3']) await t.recordFailure(acct, '10.0.0.9');
    await expect(t.check('x4', '10.0.0.9')).rejects.toMatchObject({ status: 429, message: '登录失败次数过多，请 1 分钟后再试' });
    await t.check('x4', '10.0.0.10');
  });
});
