import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '@exam/testing';
import { REDIS_MISSING_MESSAGE, ensureRedis, redisAnswers } from './redis.js';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('ensureRedis (what npm start does for Redis)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'exam-redis-'));
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('uses the Redis at REDIS_URL when it answers, and refuses one that does not', async () => {
    const url = testRedisUrl();
    expect(await redisAnswers(url)).toBe(true);
    const h = await ensureRedis({ url, dataDir, port: 0 });
    expect(h).toMatchObject({ url, source: 'REDIS_URL' });
    const dead = `redis://127.0.0.1:${await freePort()}`;
    await expect(ensureRedis({ url: dead, dataDir, port: 0 })).rejects.toThrow(/REDIS_URL 无法连接/);
  });

  it('starts a redis-server with its data under .data when nothing answers, and stops it', async () => {
    const port = await freePort();
    const h = await ensureRedis({ dataDir, port, defaultUrl: `redis://127.0.0.1:${await freePort()}` });
    expect(h).toMatchObject({ url: `redis://127.0.0.1:${port}`, source: 'started redis-server' });
    expect(await redisAnswers(h.url)).toBe(true);
    await h.stop();
    expect(await redisAnswers(h.url)).toBe(false);
  });

  it('says in Chinese and English how to get Redis when there is none', async () => {
    const attempt = ensureRedis({
      dataDir,
      port: await freePort(),
      defaultUrl: `redis://127.0.0.1:${await freePort()}`,
      redisServerBin: '/nonexistent/redis-server',
    });
    await expect(attempt).rejects.toThrow(REDIS_MISSING_MESSAGE);
    await expect(attempt).rejects.toThrow(/apt-get install -y redis-server/);
  });
});
