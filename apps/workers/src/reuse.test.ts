import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashBands } from '@exam/domain';
import { processUploadedImage } from './image.service.js';
import { createFixture, seedCandidate, seedImage, seedYear, type Fixture } from './test-fixtures.js';

/** A document photo; `variant` changes its layout (a different document). */
async function documentPhoto(variant: number, quality = 85): Promise<Buffer> {
  const rows = Array.from(
    { length: 12 },
    (_, i) => `<rect x="${40 + ((i * variant * 37) % 200)}" y="${50 + i * 40}" width="${300 + ((i * 53 * variant) % 300)}" height="14" fill="#222"/>`,
  );
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="100%" height="100%" fill="#f4f0e6"/>${rows.join('')}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality }).toBuffer();
}

describe('reused-image detection (与其他考生的图片相似)', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture();
  });
  afterAll(() => f?.close());

  const processed = async (dossierId: string, bytes: Buffer) => {
    const image = await seedImage(f, dossierId, bytes);
    expect(await processUploadedImage(f.deps, image.id)).toBe('ready');
    return f.prisma.image.findUniqueOrThrow({ where: { id: image.id } });
  };

  it('flags the same picture uploaded by another candidate of the same year — re-encoded too — and nothing else', async () => {
    const { year, site } = await seedYear(f.prisma);
    const a = (await seedCandidate(f.prisma, year.id, site.id)).dossier.id;
    const b = (await seedCandidate(f.prisma, year.id, site.id)).dossier.id;
    const first = await processed(a, await documentPhoto(1));
    expect(first.warnings).toEqual([]);

    const sameByB = await processed(b, await documentPhoto(1, 60));
    expect(sameByB.warnings).toContain('REUSED');
    expect(sameByB.reusedImageId).toBe(first.id);

    // A's second copy points at B's copy (another candidate), never at A's own first
    const ownCopy = await processed(a, await documentPhoto(1, 70));
    expect(ownCopy.reusedImageId).toBe(sameByB.id);

    // a different document is not flagged
    const other = await processed(b, await documentPhoto(5));
    expect(other.warnings).not.toContain('REUSED');
    expect(other.reusedImageId).toBeNull();

    // the same picture in another exam year is not this year's reuse
    const { year: y2, site: s2 } = await seedYear(f.prisma);
    const c = (await seedCandidate(f.prisma, y2.id, s2.id)).dossier.id;
    expect((await processed(c, await documentPhoto(1))).reusedImageId).toBeNull();

    // every READY image has its four hash bands recorded
    const row = await f.prisma.imageHash.findUniqueOrThrow({ where: { imageId: first.id } });
    expect([row.b0, row.b1, row.b2, row.b3]).toEqual(hashBands(first.phash!));
  });

  it('a deleted image is no longer anyone’s look-alike', async () => {
    const { year, site } = await seedYear(f.prisma);
    const a = (await seedCandidate(f.prisma, year.id, site.id)).dossier.id;
    const b = (await seedCandidate(f.prisma, year.id, site.id)).dossier.id;
    const first = await processed(a, await documentPhoto(2));
    // what material-service's delete does
    await f.prisma.$transaction([
      f.prisma.image.update({ where: { id: first.id }, data: { deletedAt: new Date() } }),
      f.prisma.imageHash.deleteMany({ where: { imageId: first.id } }),
    ]);
    expect((await processed(b, await documentPhoto(2))).reusedImageId).toBeNull();
  });
});
