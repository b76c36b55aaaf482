export { createTestDatabase, DEFAULT_TEST_DATABASE_URL, type TestDatabase } from './database.ts';
export { testRedisPrefix, testRedisUrl, DEFAULT_TEST_REDIS_URL } from './redis.ts';
export * from './factories.ts';
