import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase } from './database.ts';
import { testRedisPrefix, testRedisUrl } from './redis.ts';

async function scalar(url: string, sql: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Object.values((await client.query(sql)).rows[0] ?? {})[0];
  } finally {
    await client.end();
  }
}

describe('createTestDatabase', () => {
  it('gives distinct, migrated databases and drops them', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      expect(a.url).not.toBe(b.url);
      expect(Number(await scalar(a.url, 'SELECT count(*) FROM _prisma_migrations'))).toBeGreaterThan(0);
      await scalar(a.url, `INSERT INTO "ExamSite" (id, "districtCode", code, name) VALUES (gen_random_uuid(), '1', '1', 'a')`);
      expect(Number(await scalar(b.url, 'SELECT count(*) FROM "ExamSite"'))).toBe(0);
    } finally {
      await a.drop();
      await b.drop();
    }
    const name = new URL(a.url).pathname.slice(1);
    const server = process.env['TEST_DATABASE_URL'] || 'postgresql://postgres@127.0.0.1:5432/test';
    expect(Number(await scalar(server, `SELECT count(*) FROM pg_database WHERE datname = '${name}'`))).toBe(0);
    await a.drop(); // twice is fine
  });
});

describe('redis helpers', () => {
  it('gives unique prefixes and a URL', () => {
    expect(testRedisPrefix()).toMatch(/^t:\d+:[0-9a-f]{8}$/);
    expect(testRedisPrefix()).not.toBe(testRedisPrefix());
    expect(testRedisUrl()).toMatch(/^redis:\/\//);
  });
});
