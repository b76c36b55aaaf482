export { createTestDatabase, DEFAULT_TEST_DATABASE_URL, type TestDatabase } from './database.ts';
export { testRedisPrefix, testRedisUrl, DEFAULT_TEST_REDIS_URL } from './redis.ts';
export * from './factories.ts';
export { startTestS3, TEST_S3_ACCESS_KEY_ID, TEST_S3_SECRET_ACCESS_KEY, type TestS3 } from './s3.ts';
export * from './roster-files.ts';
