import { crc32 } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { IMAGE_REJECT_REASONS, UNCLEAR_WARNING } from '@exam/domain';
import { benchImages, hammingDistance, processImage, watermark, type ImageAccepted } from './index.js';

/** A photographed document: dark "text lines" on paper, a red marker in the stored top-left corner. */
async function documentRaster(width: number, height: number): Promise<Sharp> {
  const lines = Array.from({ length: Math.floor((height - 120) / 30) }, (_, i) =>
    `<rect x="${60 + (i % 2) * 20}" y="${100 + i * 30}" width="${width - 160 - ((i * 53) % 200)}" height="12" fill="#222"/>`,
  ).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#f5f1e8"/><rect x="0" y="0" width="80" height="60" fill="#ff0000"/>${lines}</svg>`;
  return sharp(Buffer.from(svg));
}

const expectAccepted = (v: Awaited<ReturnType<typeof processImage>>): ImageAccepted => {
  if (!v.ok) throw new Error(`expected accepted, got ${v.code}: ${v.reason}`);
  return v;
};

async function pixelAt(jpeg: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [data[i] ?? -1, data[i + 1] ?? -1, data[i + 2] ?? -1];
}

describe('processImage', () => {
  it('turns a phone JPEG with EXIF orientation 6 upright, swaps its dimensions and strips all metadata', async () => {
    const input = await (await documentRaster(800, 600))
      .jpeg({ quality: 90 })
      .withExif({ IFD0: { Make: 'PhoneCo', Copyright: 'secret-gps-owner' } })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await sharp(input).metadata()).orientation).toBe(6);

    const v = expectAccepted(await processImage(input));
    expect([v.width, v.height]).toEqual([600, 800]);
    expect(v.mime).toBe('image/jpeg');
    for (const d of [v.normalized, v.thumbnail, v.preview]) {
      const meta = await sharp(d.data).metadata();
      expect(meta.format).toBe('jpeg');
      expect(meta.exif).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
      expect(meta.height).toBeGreaterThan(meta.width ?? 0); // portrait, as the candidate held the phone
    }
    // orientation 6 = rotate 90° clockwise: the stored top-left marker must now be top-right
    const [r, g, b] = await pixelAt(v.normalized.data, 600 - 10, 10);
    expect(r).toBeGreaterThan(200);
    expect(g).toBeLessThan(60);
    expect(b).toBeLessThan(60);
    expect(Math.max(v.thumbnail.width, v.thumbnail.height)).toBe(320);
    expect(Math.max(v.preview.width, v.preview.height)).toBe(800); // never enlarged
    expect(v.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(v.phash).toMatch(/^[0-9a-f]{16}$/);
    expect(v.warnings).toEqual([]);
  });

  it('accepts a PNG (with transparency flattened onto white)', async () => {
    const input = await (await documentRaster(640, 480)).ensureAlpha(0.5).png().toBuffer();
    const v = expectAccepted(await processImage(input));
    expect(v.mime).toBe('image/png');
    expect(v.format).toBe('png');
    expect([v.width, v.height]).toEqual([640, 480]);
    expect((await sharp(v.normalized.data).metadata()).hasAlpha).toBe(false);
  });

  it('refuses a truncated JPEG that sharp.metadata() alone would accept', async () => {
    const full = await (await documentRaster(800, 600)).jpeg().toBuffer();
    const truncated = full.subarray(0, Math.floor(full.length / 2));
    await expect(sharp(truncated).metadata()).resolves.toMatchObject({ width: 800 });
    expect(await processImage(truncated)).toEqual({ ok: false, code: 'UNDECODABLE', reason: IMAGE_REJECT_REASONS.UNDECODABLE });
  });

  it('judges by content: a text file named .jpg is refused', async () => {
    const v = await processImage(Buffer.from('这不是图片 just some text pretending to be photo.jpg\n'));
    expect(v).toEqual({ ok: false, code: 'NOT_IMAGE', reason: IMAGE_REJECT_REASONS.NOT_IMAGE });
  });

  it('refuses an empty file', async () => {
    expect(await processImage(Buffer.alloc(0))).toMatchObject({ ok: false, code: 'EMPTY', reason: expect.stringContaining('为空') });
  });

  it('refuses a decompression bomb from its header alone (30000 x 30000 PNG of a few hundred bytes)', async () => {
    const small = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#fff' } }).png().toBuffer();
    const bomb = Buffer.from(small);
    // IHDR data starts at 16: width, height (big-endian); its CRC covers type + data (bytes 12..29)
    bomb.writeUInt32BE(30_000, 16);
    bomb.writeUInt32BE(30_000, 20);
    bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)) >>> 0, 29);
    expect(bomb.length).toBeLessThan(1000);
    expect((await sharp(bomb, { limitInputPixels: false }).metadata()).width).toBe(30_000);
    expect(await processImage(bomb)).toEqual({ ok: false, code: 'TOO_MANY_PIXELS', reason: IMAGE_REJECT_REASONS.TOO_MANY_PIXELS });
  });

  it('refuses an image too small to read', async () => {
    const tiny = await (await documentRaster(300, 150)).jpeg().toBuffer();
    expect(await processImage(tiny)).toMatchObject({ ok: false, code: 'TOO_SMALL', reason: IMAGE_REJECT_REASONS.TOO_SMALL });
  });

  it('warns that a blurry photo may be unclear, but not a sharp one', async () => {
    const sharpPhoto = await (await documentRaster(1000, 750)).jpeg({ quality: 85 }).toBuffer();
    const blurry = await (await documentRaster(1000, 750)).blur(12).jpeg({ quality: 85 }).toBuffer();
    const a = expectAccepted(await processImage(sharpPhoto));
    const b = expectAccepted(await processImage(blurry));
    expect(a.warnings).toEqual([]);
    expect(b.warnings).toEqual([UNCLEAR_WARNING]);
    expect(b.sharpness).toBeLessThan(a.sharpness);
  });

  it('gives the same picture re-encoded a near-identical perceptual hash, a different picture a distant one', async () => {
    const raster = await (await documentRaster(900, 700)).png().toBuffer();
    const q90 = expectAccepted(await processImage(await sharp(raster).jpeg({ quality: 90 }).toBuffer()));
    const q60 = expectAccepted(await processImage(await sharp(raster).jpeg({ quality: 60 }).toBuffer()));
    const other = expectAccepted(
      await processImage(await sharp(raster).flop().negate({ alpha: false }).jpeg().toBuffer()),
    );
    expect(q90.sha256).not.toBe(q60.sha256);
    expect(hammingDistance(q90.phash, q60.phash)).toBeLessThanOrEqual(4);
    expect(hammingDistance(q90.phash, other.phash)).toBeGreaterThan(16);
  });
});

describe('watermark', () => {
  it('overlays a visible diagonal watermark and keeps the preview size', async () => {
    const v = expectAccepted(await processImage(await (await documentRaster(1000, 750)).jpeg().toBuffer()));
    const marked = await watermark(v.preview.data, 'reviewer-7 2026-02-12 09:30');
    const meta = await sharp(marked).metadata();
    expect([meta.width, meta.height]).toEqual([v.preview.width, v.preview.height]);
    const before = await sharp(v.preview.data).raw().toBuffer();
    const after = await sharp(marked).raw().toBuffer();
    let reddened = 0;
    for (let i = 0; i < before.length; i += 3) {
      if ((after[i] ?? 0) - (after[i + 1] ?? 0) > (before[i] ?? 0) - (before[i + 1] ?? 0) + 25) reddened++;
    }
    expect(reddened / (before.length / 3)).toBeGreaterThan(0.01);
  });
});

describe('benchImages', () => {
  it('reports pipeline and baseline throughput measured in the same run', async () => {
    const r = await benchImages(2);
    expect(r.images).toBe(2);
    expect(r.pipelinePerSecond).toBeGreaterThan(0);
    expect(r.baselinePerSecond).toBeGreaterThan(0);
  });
});
