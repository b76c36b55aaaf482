// Upload → worker processing → serving, on S3-compatible object storage (s3rver started here on an ephemeral port):
// this material app is given the S3 storage; the workers are the real `apps/workers/src/main.ts` process, choosing the
// same bucket from its environment (STORAGE_DRIVER=s3 …) — nothing is shared between the two but Postgres, Redis and
// the bucket, as on two machines.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import request from 'supertest';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnTs, type ManagedProcess } from '@exam/dev-tools';
import { S3BlobStorage, createBlobStorage } from '@exam/storage';
import { loginAs, makeJpeg, seedCandidate, seedSite, seedYear, startTestS3, testRedisUrl, type AuthHeaders, type TestS3 } from '@exam/testing';
import { startMaterialTestApp } from './test-app.js';

const root = resolve(import.meta.dirname, '../../..');

describe('upload → image worker → authorised handler, on S3-compatible storage', () => {
  let s3: TestS3;
  let storage: S3BlobStorage;
  let t: Awaited<ReturnType<typeof startMaterialTestApp>>;
  let workers: ManagedProcess | undefined;
  let scratch: string;
  const output: string[] = [];
  let candidate: AuthHeaders;
  let other: AuthHeaders;

  beforeAll(async () => {
    s3 = await startTestS3();
    storage = createBlobStorage(s3.settings) as S3BlobStorage;
    t = await startMaterialTestApp({ storage });
    scratch = await mkdtemp(join(tmpdir(), 's3-round-trip-'));
    workers = spawnTs(
      'workers',
      join(root, 'apps/workers/src/main.ts'),
      {
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        DATABASE_URL: t.databaseUrl,
        DATABASE_POOL_MAX: '3',
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: t.prefix,
        WORKER_QUEUES: 'image',
        WORKER_HEALTH_PORT: '0',
        SMS_DIR: join(scratch, 'sms'),
        // a folder that stays empty: the worker must take its blobs from the bucket
        ...s3.env,
        STORAGE_DIR: join(scratch, 'blobs-unused'),
      },
      { cwd: root, quiet: true, onLine: (line) => void output.push(line) },
    );
    const year = await seedYear(t.prisma);
    const site = await seedSite(t.prisma);
    candidate = await loginAs(t.prisma, { role: 'CANDIDATE', candidateId: (await seedCandidate(t.prisma, year, site)).id });
    other = await loginAs(t.prisma, { role: 'CANDIDATE', candidateId: (await seedCandidate(t.prisma, year, site)).id });
  });

  afterAll(async () => {
    await workers?.stop(10_000);
    await t?.close();
    storage?.close();
    await s3?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('the upload lands in the bucket, the worker makes it 合格 there, the candidate (only) gets every variant', { timeout: 90_000 }, async () => {
    const photo = await makeJpeg(640, 480, 60);
    const up = await request(t.app).post('/api/material/images').set(candidate).field('categoryCode', 'ID_CARD').attach('file', photo, 'id.jpg');
    expect(up.status).toBe(201);
    const raw = await t.prisma.image.findUniqueOrThrow({ where: { id: up.body.id } });
    expect(raw.storageKey).toMatch(/^uploads\//);
    expect((await storage.get(raw.storageKey)).equals(photo)).toBe(true);

    // the real worker process: no shared folder, only the bucket
    const deadline = Date.now() + 60_000;
    let row = raw;
    while (row.state === 'PROCESSING') {
      if (workers?.child.exitCode != null) throw new Error(`workers exited:\n${output.slice(-30).join('\n')}`);
      if (Date.now() > deadline) throw new Error(`not processed in 60 s:\n${output.slice(-30).join('\n')}`);
      await new Promise((r) => setTimeout(r, 200));
      row = await t.prisma.image.findUniqueOrThrow({ where: { id: raw.id } });
    }
    expect(row.state).toBe('READY');
    expect(row.storageKey).toMatch(/^originals\//);
    expect(await storage.exists(raw.storageKey)).toBe(false);

    const listed = await storage.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
    const keys = (listed.Contents ?? []).map((o) => o.Key);
    expect(keys).toEqual(expect.arrayContaining([row.storageKey, row.thumbKey, row.previewKey]));
    expect(keys.filter((k) => k?.startsWith('uploads/'))).toEqual([]);

    for (const variant of ['thumb', 'preview', 'original']) {
      const res = await request(t.app).get(`/api/material/images/${row.id}/${variant}`).set(candidate);
      expect(res.status, variant).toBe(200);
      expect(res.headers['content-type']).toBe('image/jpeg');
      expect(res.headers['cache-control']).toBe('no-store');
      expect((await sharp(res.body as Buffer).metadata()).format).toBe('jpeg');
      // another candidate, or nobody: the same 404/401 as on the filesystem
      expect((await request(t.app).get(`/api/material/images/${row.id}/${variant}`).set(other)).status).toBe(404);
      expect((await request(t.app).get(`/api/material/images/${row.id}/${variant}`)).status).toBe(401);
    }
    const original = await request(t.app).get(`/api/material/images/${row.id}/original`).set(candidate);
    expect(await sharp(original.body as Buffer).metadata()).toMatchObject({ width: 640, height: 480 });

    const ready = await request(t.app).get('/readyz');
    expect(ready.body).toMatchObject({ status: 'ok', checks: { storage: 'ok' } });
  });
});
