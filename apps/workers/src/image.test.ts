import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_REJECT_REASONS, MAX_PROCESS_ATTEMPTS } from '@exam/domain';
import type { BlobStorage } from '@exam/storage';
import { processUploadedImage } from './image.service.js';
import { createFixture, seedCandidate, seedImage, seedYear, waitFor, type Fixture } from './test-fixtures.js';

async function phonePhoto(): Promise<Buffer> {
  const rows = Array.from({ length: 14 }, (_, i) => `<rect x="40" y="${60 + i * 30}" width="${600 - (i % 4) * 60}" height="12" fill="#222"/>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="100%" height="100%" fill="#f4f0e6"/>${rows.join('')}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).withMetadata({ orientation: 6 }).toBuffer();
}

describe('image.process (real Postgres, Redis and BullMQ worker)', () => {
  let f: Fixture;
  let dossierId: string;
  beforeAll(async () => {
    f = await createFixture();
    const { year, site } = await seedYear(f.prisma);
    dossierId = (await seedCandidate(f.prisma, year.id, site.id)).dossier.id;
    f.startWorkers(['image']);
  });
  afterAll(() => f?.close());

  it('makes an uploaded photo READY with upright dimensions, hashes and stored thumbnail and preview', async () => {
    const original = await phonePhoto();
    const image = await seedImage(f, dossierId, original);
    await f.producer.add('image.process', { imageId: image.id });

    const row = await waitFor(async () => {
      const r = await f.prisma.image.findUniqueOrThrow({ where: { id: image.id } });
      return r.state !== 'PROCESSING' && r;
    });
    expect(row).toMatchObject({ state: 'READY', width: 600, height: 800, mime: 'image/jpeg', reason: null });
    expect(row.phash).toMatch(/^[0-9a-f]{16}$/);
    expect(row.sharpness).toBeGreaterThan(0);
    expect(row.processedAt).toBeInstanceOf(Date);
    expect(row.thumbKey).toMatch(/^thumbs\//);
    expect(row.previewKey).toMatch(/^previews\//);
    const thumb = await sharp(await f.storage.get(row.thumbKey ?? '')).metadata();
    expect(thumb.height).toBeGreaterThan(thumb.width ?? 0);
    expect(thumb.exif).toBeUndefined();
    expect(await f.storage.exists(row.previewKey ?? '')).toBe(true);
    // the stored original is the upright copy without EXIF (no GPS leaks); the raw upload is gone
    expect(row.storageKey).not.toBe(image.storageKey);
    const stored = await sharp(await f.storage.get(row.storageKey)).metadata();
    expect(stored).toMatchObject({ width: 600, height: 800 });
    expect(stored.exif).toBeUndefined();
    expect(stored.orientation).toBeUndefined();
    expect(await f.storage.exists(image.storageKey)).toBe(false);
  });

  it('rejects a corrupt upload with the Chinese reason', async () => {
    const good = await phonePhoto();
    const image = await seedImage(f, dossierId, good.subarray(0, Math.floor(good.length / 2)));
    await f.producer.add('image.process', { imageId: image.id });
    const row = await waitFor(async () => {
      const r = await f.prisma.image.findUniqueOrThrow({ where: { id: image.id } });
      return r.state !== 'PROCESSING' && r;
    });
    expect(row).toMatchObject({ state: 'REJECTED', reason: IMAGE_REJECT_REASONS.UNDECODABLE, thumbKey: null, previewKey: null });
  });

  it('processing the same image twice changes nothing', async () => {
    const image = await seedImage(f, dossierId, await phonePhoto());
    expect(await processUploadedImage(f.deps, image.id)).toBe('ready');
    const first = await f.prisma.image.findUniqueOrThrow({ where: { id: image.id } });
    expect(await processUploadedImage(f.deps, image.id)).toBe('skipped');
    // and once more through the queue: the job runs and skips
    await f.producer.add('image.process', { imageId: image.id });
    await waitFor(async () => (await f.producer.queue('image').getJob(`image.process__${image.id}`))?.finishedOn);
    expect(await f.prisma.image.findUniqueOrThrow({ where: { id: image.id } })).toEqual(first);
  });

  it('skips an image the candidate deleted before it was processed', async () => {
    const image = await seedImage(f, dossierId, await phonePhoto());
    await f.prisma.image.update({ where: { id: image.id }, data: { deletedAt: new Date() } });
    expect(await processUploadedImage(f.deps, image.id)).toBe('skipped');
    expect(await f.prisma.image.findUniqueOrThrow({ where: { id: image.id } })).toMatchObject({ state: 'PROCESSING', thumbKey: null });
  });

  it('counts every processing run as it starts (processAttempts), also one that fails', async () => {
    const image = await seedImage(f, dossierId, await phonePhoto());
    expect(await processUploadedImage(f.deps, image.id)).toBe('ready');
    expect(await f.prisma.image.findUniqueOrThrow({ where: { id: image.id } })).toMatchObject({ state: 'READY', processAttempts: 1 });
  });

  it('an image that failed processing 3 times is 不合格: 处理失败，请重新上传', async () => {
    expect(MAX_PROCESS_ATTEMPTS).toBe(3);
    const image = await seedImage(f, dossierId, await phonePhoto());
    // a storage that cannot be read: every run fails after it started
    const broken: BlobStorage = {
      put: (k, d) => f.storage.put(k, d),
      get: async () => {
        throw new Error('storage unavailable');
      },
      stream: (k) => f.storage.stream(k),
      exists: (k) => f.storage.exists(k),
      delete: (k) => f.storage.delete(k),
    };
    for (let run = 1; run <= 3; run++) {
      await expect(processUploadedImage({ ...f.deps, storage: broken }, image.id)).rejects.toThrow(/storage unavailable/);
      expect(await f.prisma.image.findUniqueOrThrow({ where: { id: image.id } })).toMatchObject({ state: 'PROCESSING', processAttempts: run });
    }
    // the next run (a retry, or the sweeper's re-queue) gives up instead of trying again
    expect(await processUploadedImage(f.deps, image.id)).toBe('rejected');
    const row = await f.prisma.image.findUniqueOrThrow({ where: { id: image.id } });
    expect(row).toMatchObject({ state: 'REJECTED', reason: '处理失败，请重新上传', thumbKey: null, previewKey: null });
    expect(row.processedAt).toBeInstanceOf(Date);
    expect(await processUploadedImage(f.deps, image.id)).toBe('skipped');
  });
});
