// The image pipeline and the purge on S3-compatible object storage (s3rver started here, STORAGE_DRIVER=s3's storage):
// the raw upload is read from the bucket, the clean copy and derivatives are written to it, the raw upload and later
// the bytes of a rejected image are deleted from it.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStorage, createBlobStorage, isRawUploadKey } from '@exam/storage';
import { makeJpeg, startTestS3, type TestS3 } from '@exam/testing';
import { purgeRawUploads } from './retention.service.js';
import { createFixture, seedCandidate, seedImage, seedYear, waitFor, type Fixture } from './test-fixtures.js';

describe('image.process and the purge on S3-compatible storage (real Postgres, Redis, BullMQ worker, s3rver)', () => {
  let s3: TestS3;
  let storage: S3BlobStorage;
  let f: Fixture;
  let dossierId: string;
  beforeAll(async () => {
    s3 = await startTestS3();
    storage = createBlobStorage(s3.settings) as S3BlobStorage;
    f = await createFixture({ storage });
    const { year, site } = await seedYear(f.prisma);
    dossierId = (await seedCandidate(f.prisma, year.id, site.id)).dossier.id;
    f.startWorkers(['image']);
  });
  afterAll(async () => {
    await f?.close();
    storage?.close();
    await s3?.close();
  });

  it('makes an upload READY: clean copy, thumbnail and preview in the bucket, the raw upload deleted from it', async () => {
    const image = await seedImage(f, dossierId, await makeJpeg(800, 600, 85));
    expect(isRawUploadKey(image.storageKey)).toBe(true);
    expect(await storage.exists(image.storageKey)).toBe(true);
    await f.producer.add('image.process', { imageId: image.id });
    const row = await waitFor(async () => {
      const r = await f.prisma.image.findUniqueOrThrow({ where: { id: image.id } });
      return r.state !== 'PROCESSING' && r;
    });
    expect(row).toMatchObject({ state: 'READY', width: 800, height: 600 });
    expect(row.storageKey).toMatch(/^originals\//);
    for (const key of [row.storageKey, row.thumbKey!, row.previewKey!]) {
      expect((await sharp(await storage.get(key)).metadata()).format, key).toBe('jpeg');
    }
    expect(await storage.exists(image.storageKey)).toBe(false);
  });

  it('rejects a corrupt upload read from the bucket', async () => {
    const good = await makeJpeg(800, 600);
    const image = await seedImage(f, dossierId, good.subarray(0, good.length >> 1));
    await f.producer.add('image.process', { imageId: image.id });
    const row = await waitFor(async () => {
      const r = await f.prisma.image.findUniqueOrThrow({ where: { id: image.id } });
      return r.state !== 'PROCESSING' && r;
    });
    expect(row).toMatchObject({ state: 'REJECTED', thumbKey: null });
  });

  it('the purge deletes the bytes of an image rejected long ago from the bucket', async () => {
    const image = await seedImage(f, dossierId, await makeJpeg(300, 200), { uploadedAt: new Date(Date.now() - 30 * 86_400_000) });
    await f.prisma.image.update({ where: { id: image.id }, data: { state: 'REJECTED', reason: 'x', processedAt: new Date(Date.now() - 30 * 86_400_000) } });
    expect(await storage.exists(image.storageKey)).toBe(true);
    const result = await purgeRawUploads(f.deps);
    expect(result.failed).toBe(0);
    expect(result.images).toBeGreaterThanOrEqual(1);
    expect(await storage.exists(image.storageKey)).toBe(false);
    expect((await f.prisma.image.findUniqueOrThrow({ where: { id: image.id } })).rawPurgedAt).toBeInstanceOf(Date);
  });
});
