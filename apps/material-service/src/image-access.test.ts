import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import sharp from 'sharp';
import { startMaterialTestApp } from './test-app.js';
import { loginAs, makeJpeg, markImageReady, seedCandidate, seedSite, seedStaff, seedYear, type AuthHeaders } from '@exam/testing';

const t = await startMaterialTestApp();
afterAll(() => t.close());

// district 12: site 1 (candidate A), site 2 (candidate B); district 34 has its own reviewer
const h: Record<'a' | 'b' | 'site1' | 'site2' | 'district' | 'otherDistrict', AuthHeaders> = {} as never;
let imageId: string;
let pendingId: string;
let rejectedId: string;
let preview: Buffer;
let clean: Buffer;
let original: Buffer;
let candidateA: string;
let draftCandidate: { id: string };
let draftImageId: string;
let hDraft: AuthHeaders;

const get = (id: string, variant: string, headers?: AuthHeaders) => {
  const r = request(t.app).get(`/api/material/images/${id}/${variant}`);
  return headers ? r.set(headers) : r;
};

beforeAll(async () => {
  const year = await seedYear(t.prisma);
  const [site1, site2] = [await seedSite(t.prisma), await seedSite(t.prisma)];
  const a = await seedCandidate(t.prisma, year, site1);
  const b = await seedCandidate(t.prisma, year, site2);
  candidateA = a.id;
  h.a = await loginAs(t.prisma, { role: 'CANDIDATE', candidateId: a.id });
  h.b = await loginAs(t.prisma, { role: 'CANDIDATE', candidateId: b.id });
  h.site1 = await loginAs(t.prisma, { role: 'SITE_REVIEWER', userId: (await seedStaff(t.prisma, 'SITE_REVIEWER', { siteId: site1.id })).id });
  h.site2 = await loginAs(t.prisma, { role: 'SITE_REVIEWER', userId: (await seedStaff(t.prisma, 'SITE_REVIEWER', { siteId: site2.id })).id });
  h.district = await loginAs(t.prisma, { role: 'DISTRICT_REVIEWER', userId: (await seedStaff(t.prisma, 'DISTRICT_REVIEWER')).id });
  h.otherDistrict = await loginAs(t.prisma, {
    role: 'DISTRICT_REVIEWER',
    userId: (await seedStaff(t.prisma, 'DISTRICT_REVIEWER', { districtCode: '34' })).id,
  });

  original = await makeJpeg(200, 150);
  const up = await request(t.app).post('/api/material/images').set(h.a).field('categoryCode', 'ID_CARD').attach('file', original, 'a.jpg');
  imageId = up.body.id;
  const up2 = await request(t.app).post('/api/material/images').set(h.a).field('categoryCode', 'ID_CARD').attach('file', original, 'b.jpg');
  pendingId = up2.body.id;
  const up3 = await request(t.app).post('/api/material/images').set(h.a).field('categoryCode', 'GRAD_CERT').attach('file', original, 'c.jpg');
  rejectedId = up3.body.id;
  await t.prisma.image.update({ where: { id: rejectedId }, data: { state: 'REJECTED', reason: '文件已损坏或不完整，无法识别为图片，请重新上传' } });
  preview = await makeJpeg(160, 120);
  // what the image worker leaves: thumbnail, preview and the clean copy that replaces the raw upload
  clean = await makeJpeg(200, 150);
  await t.storage.put(`thumbs/t/${imageId}`, await makeJpeg(40, 30));
  await t.storage.put(`previews/t/${imageId}`, preview);
  await t.storage.put(`originals/t/${imageId}`, clean);
  await markImageReady(t.prisma, imageId, { thumbKey: `thumbs/t/${imageId}`, previewKey: `previews/t/${imageId}`, storageKey: `originals/t/${imageId}` });
  // submitted: reviewers see only what a candidate submitted
  await t.prisma.dossier.update({ where: { candidateId: a.id }, data: { status: 'PENDING_SITE', submittedAt: new Date() } });
  draftCandidate = await seedCandidate(t.prisma, year, site1);
  const draft = await loginAs(t.prisma, { role: 'CANDIDATE', candidateId: draftCandidate.id });
  draftImageId = (await request(t.app).post('/api/material/images').set(draft).field('categoryCode', 'ID_CARD').attach('file', original, 'c.jpg')).body.id;
  await t.storage.put(`previews/t/${draftImageId}`, preview);
  await markImageReady(t.prisma, draftImageId, { thumbKey: `previews/t/${draftImageId}`, previewKey: `previews/t/${draftImageId}` });
  hDraft = draft;
});

describe('GET /api/material/images/:id/:variant', () => {
  it('serves the candidate their own thumbnail as an uncacheable, non-sniffable JPEG', async () => {
    const res = await get(imageId, 'thumb', h.a);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect((await sharp(res.body as Buffer).metadata()).width).toBe(40);
  });

  it('answers 404 for a thumbnail that is not processed yet, an unknown variant, or an unknown id', async () => {
    expect((await get(pendingId, 'thumb', h.a)).status).toBe(404);
    expect((await get(imageId, 'exif', h.a)).status).toBe(404);
    expect((await get('00000000-0000-7000-8000-000000000000', 'thumb', h.a)).status).toBe(404);
    expect((await get(imageId, 'thumb')).status).toBe(401);
  });

  it('matrix: who may see candidate A’s image', async () => {
    const expected = { a: 200, b: 404, site1: 200, site2: 404, district: 200, otherDistrict: 404 } as const;
    for (const [who, status] of Object.entries(expected)) {
      for (const variant of ['thumb', 'preview', 'original']) {
        const res = await get(imageId, variant, h[who as keyof typeof h]);
        expect({ who, variant, status: res.status }).toEqual({ who, variant, status });
      }
    }
  });

  it('watermarks every variant a reviewer receives, never the candidate’s own', async () => {
    const own = await get(imageId, 'preview', h.a);
    expect(Buffer.compare(own.body as Buffer, preview)).toBe(0);
    const reviewer = await get(imageId, 'preview', h.site1);
    expect(reviewer.status).toBe(200);
    expect(Buffer.compare(reviewer.body as Buffer, preview)).not.toBe(0);
    expect((await sharp(reviewer.body as Buffer).metadata()).width).toBe(160);
    for (const variant of ['thumb', 'original']) {
      const mine = await get(imageId, variant, h.a);
      const theirs = await get(imageId, variant, h.district);
      expect(theirs.status).toBe(200);
      expect(Buffer.compare(theirs.body as Buffer, mine.body as Buffer)).not.toBe(0);
    }
  });

  it('never shows a reviewer the images of a dossier that was not submitted', async () => {
    expect((await get(draftImageId, 'preview', hDraft)).status).toBe(200);
    for (const who of ['site1', 'district'] as const) {
      for (const variant of ['thumb', 'preview', 'original']) expect((await get(draftImageId, variant, h[who])).status).toBe(404);
    }
  });

  it('serves as "original" the worker’s clean copy, never the bytes as uploaded', async () => {
    const own = await get(imageId, 'original', h.a);
    expect(own.status).toBe(200);
    expect(Buffer.compare(own.body as Buffer, clean)).toBe(0);
    expect(Buffer.compare(own.body as Buffer, original)).not.toBe(0);
  });

  it('never serves the raw upload of a PROCESSING or REJECTED image, in any variant, to anyone', async () => {
    for (const id of [pendingId, rejectedId]) {
      // the raw bytes are there (under uploads/), so a 404 is the rule, not a missing file
      const row = await t.prisma.image.findUniqueOrThrow({ where: { id } });
      expect(row.storageKey).toMatch(/^uploads\//);
      expect(await t.storage.exists(row.storageKey)).toBe(true);
      for (const who of ['a', 'site1', 'district'] as const) {
        for (const variant of ['thumb', 'preview', 'original']) {
          expect({ id, who, variant, status: (await get(id, variant, h[who])).status }).toEqual({ id, who, variant, status: 404 });
        }
      }
    }
  });

  it('never serves a READY image whose row still points at a raw upload, nor one whose bytes were purged', async () => {
    const row = await t.prisma.image.findUniqueOrThrow({ where: { id: pendingId } });
    await markImageReady(t.prisma, pendingId, { thumbKey: `thumbs/t/${imageId}`, previewKey: `previews/t/${imageId}` });
    try {
      expect((await get(pendingId, 'original', h.a)).status).toBe(404);
      expect((await get(pendingId, 'preview', h.a)).status).toBe(200);
      await t.prisma.image.update({ where: { id: pendingId }, data: { rawPurgedAt: new Date() } });
      expect((await get(pendingId, 'preview', h.a)).status).toBe(404);
    } finally {
      await t.prisma.image.update({
        where: { id: pendingId },
        data: { state: row.state, thumbKey: null, previewKey: null, rawPurgedAt: null, width: null, height: null, processedAt: null },
      });
    }
  });

  it('audits every reviewer view of an original (who, which candidate)', async () => {
    const before = await t.prisma.auditLog.count({ where: { action: 'material.image_view_original' } });
    await get(imageId, 'original', h.district);
    await get(imageId, 'original', h.a); // the candidate's own view is not a reviewer view
    const rows = await t.prisma.auditLog.findMany({ where: { action: 'material.image_view_original' }, orderBy: { id: 'asc' } });
    expect(rows.length).toBe(before + 1);
    expect(rows.at(-1)).toMatchObject({ actorType: 'STAFF', candidateId: candidateA, targetId: imageId });
  });
});
