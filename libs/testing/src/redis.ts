import { randomBytes } from 'node:crypto';

export const DEFAULT_TEST_REDIS_URL = 'redis://127.0.0.1:6379';

/** Redis URL for integration tests: REDIS_URL or redis://127.0.0.1:6379. */
export function testRedisUrl(): string {
  return process.env['REDIS_URL'] || DEFAULT_TEST_REDIS_URL;
}

/** A key prefix unique to this call, `t:<pid>:<random>` (no trailing colon; BullMQ adds its own `:`). */
export function testRedisPrefix(): string {
  return `t:${process.pid}:${randomBytes(4).toString('hex')}`;
}
