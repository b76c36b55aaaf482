import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { MAX_UPLOAD_BYTES } from '@exam/domain';
import { startMaterialTestApp } from './test-app.js';
import {
  AFTER_WINDOW,
  BEFORE_WINDOW,
  IN_WINDOW,
  loginAs,
  makeJpeg,
  makePng,
  seedCandidate,
  seedSite,
  seedStaff,
  seedYear,
  type AuthHeaders,
} from '@exam/testing';

const t = await startMaterialTestApp();
afterAll(() => t.close());

let candidate: AuthHeaders;
let candidateId: string;

beforeEach(async () => {
  t.clock.set(IN_WINDOW);
  const year = await seedYear(t.prisma);
  const site = await seedSite(t.prisma);
  const c = await seedCandidate(t.prisma, year, site);
  candidateId = c.id;
  candidate = await loginAs(t.prisma, { role: 'CANDIDATE', candidateId });
});

const upload = (headers: AuthHeaders, categoryCode: string, file: Buffer, filename = 'photo.jpg') =>
  request(t.app).post('/api/material/images').set(headers).field('categoryCode', categoryCode).attach('file', file, filename);

describe('POST /api/material/images', () => {
  it('accepts a real JPEG: 201 PROCESSING, raw upload stored under a random uploads/ key, image.process job waiting', async () => {
    const jpeg = await makeJpeg();
    const res = await upload(candidate, 'ID_CARD', jpeg, '../../etc/身份证.jpg');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ categoryCode: 'ID_CARD', state: 'PROCESSING', locked: false, thumbUrl: null, sizeBytes: jpeg.length });

    const row = await t.prisma.image.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row.storageKey).toMatch(/^uploads\/\d{4}\/\d{2}\/[0-9a-f-]{36}$/);
    expect(row.storageKey).not.toContain('身份证');
    expect((await t.storage.get(row.storageKey)).equals(jpeg)).toBe(true);

    const job = await t.producer.queue('image').getJob(`image.process__${row.id}`);
    expect(job?.data).toEqual({ imageId: row.id });
    expect(await job?.getState()).toBe('waiting');

    const audit = await t.prisma.auditLog.findFirst({ where: { action: 'material.image_upload', targetId: row.id } });
    expect(audit?.candidateId).toBe(candidateId);
  });

  it('accepts a PNG judged by content', async () => {
    const res = await upload(candidate, 'GRAD_CERT', await makePng(), 'scan.jpg');
    expect(res.status).toBe(201);
  });

  it('refuses a text file or GIF named like an image with 415', async () => {
    const text = await upload(candidate, 'ID_CARD', Buffer.from('this is not an image at all'), 'photo.jpg');
    expect(text.status).toBe(415);
    expect(text.body.error.message).toBe('只能上传 jpg/jpeg/png 格式的图片');
    const gif = await upload(candidate, 'ID_CARD', Buffer.from('GIF89a\x01\x00\x01\x00'), 'photo.png');
    expect(gif.status).toBe(415);
    expect(await t.prisma.image.count({ where: { dossier: { candidateId } } })).toBe(0);
  });

  it('refuses 204,801 bytes and anything bigger with 413 in Chinese', async () => {
    const jpeg = await makeJpeg();
    const over = Buffer.alloc(MAX_UPLOAD_BYTES + 1);
    jpeg.copy(over);
    const res = await upload(candidate, 'ID_CARD', over);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('IMAGE_TOO_LARGE');
    expect(res.body.error.message).toMatch(/200KB/);

    const huge = Buffer.alloc(600_000);
    jpeg.copy(huge);
    const res2 = await upload(candidate, 'ID_CARD', huge);
    expect(res2.status).toBe(413);
    expect(res2.body.error.message).toMatch(/200KB/);

    const exact = Buffer.alloc(MAX_UPLOAD_BYTES);
    jpeg.copy(exact);
    expect((await upload(candidate, 'ID_CARD', exact)).status).toBe(201);
  });

  it('asks for a file when none was sent', async () => {
    const res = await request(t.app).post('/api/material/images').set(candidate).field('categoryCode', 'ID_CARD');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('请选择要上传的图片');
  });

  it('refuses a third ID-card image with 409', async () => {
    const jpeg = await makeJpeg();
    expect((await upload(candidate, 'ID_CARD', jpeg)).status).toBe(201);
    expect((await upload(candidate, 'ID_CARD', jpeg)).status).toBe(201);
    const third = await upload(candidate, 'ID_CARD', jpeg);
    expect(third.status).toBe(409);
    expect(third.body.error.message).toMatch(/最多上传 2 张/);
  });

  it('never exceeds the maximum under concurrent uploads', async () => {
    const jpeg = await makeJpeg();
    const results = await Promise.all(Array.from({ length: 6 }, () => upload(candidate, 'ID_CARD', jpeg)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(2);
    expect(results.filter((r) => r.status === 409)).toHaveLength(4);
    expect(await t.prisma.image.count({ where: { dossier: { candidateId }, categoryCode: 'ID_CARD' } })).toBe(2);
  });

  it('a retried upload with the same Idempotency-Key stores the image once and answers the first result again', async () => {
    const jpeg = await makeJpeg();
    const first = await upload(candidate, 'GRAD_CERT', jpeg).set('Idempotency-Key', 'file-1-abcdef');
    expect(first.status).toBe(201);
    const again = await upload(candidate, 'GRAD_CERT', jpeg).set('Idempotency-Key', 'file-1-abcdef');
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    // a retry racing itself (the first answer lost, the phone sends twice at once): still one image
    const racing = await Promise.all(Array.from({ length: 4 }, () => upload(candidate, 'GRAD_CERT', jpeg).set('Idempotency-Key', 'file-2-abcdef')));
    expect(racing.every((r) => r.status === 201)).toBe(true);
    expect(new Set(racing.map((r) => r.body.id)).size).toBe(1);
    expect(await t.prisma.image.count({ where: { dossier: { candidateId }, categoryCode: 'GRAD_CERT' } })).toBe(2);
    // no stray raw uploads left behind by the replays: every stored upload belongs to a row
    const keys = new Set((await t.prisma.image.findMany({ select: { storageKey: true } })).map((r) => r.storageKey));
    const files = (await readdir(join(t.blobDir, 'uploads'), { recursive: true, withFileTypes: true })).filter((d) => d.isFile());
    const stray = files.map((d) => relative(t.blobDir, join(d.parentPath, d.name))).filter((k) => !keys.has(k));
    expect(stray).toEqual([]);
  });

  it('refuses a malformed Idempotency-Key with a Chinese 400', async () => {
    const res = await upload(candidate, 'GRAD_CERT', await makeJpeg()).set('Idempotency-Key', 'bad key!');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('IDEMPOTENCY_KEY_INVALID');
  });

  it('shows a READY image its candidate-visible warnings (图片可能不清晰), never the reviewers-only REUSED', async () => {
    const res = await upload(candidate, 'GRAD_CERT', await makeJpeg());
    await t.prisma.image.update({
      where: { id: res.body.id },
      data: { state: 'READY', thumbKey: 'derived/x', previewKey: 'derived/y', warnings: ['UNCLEAR', 'REUSED'] },
    });
    const dossier = await request(t.app).get('/api/material/dossier').set(candidate);
    const images = (dossier.body.categories as { images: { id: string; warnings: unknown }[] }[]).flatMap((c) => c.images);
    expect(images.find((i) => i.id === res.body.id)?.warnings).toEqual([{ code: 'UNCLEAR', label: '图片可能不清晰' }]);
  });

  it('refuses categories that do not apply to the candidate', async () => {
    const res = await upload(candidate, 'ASSIST_QUAL', await makeJpeg());
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('CATEGORY_NOT_APPLICABLE');
  });

  it('refuses uploads before and after the window with the Chinese message', async () => {
    const jpeg = await makeJpeg();
    t.clock.set(BEFORE_WINDOW);
    const before = await upload(candidate, 'ID_CARD', jpeg);
    expect(before.status).toBe(409);
    expect(before.body.error.message).toBe('上传尚未开始，开始时间为 2026-01-29 10:00（北京时间）');
    t.clock.set(AFTER_WINDOW);
    const after = await upload(candidate, 'ID_CARD', jpeg);
    expect(after.status).toBe(409);
    expect(after.body.error.message).toBe('上传时间已截止，系统已自动锁定，不能再修改或添加材料');
  });

  it('is for candidates only and needs the CSRF header', async () => {
    const site = await seedSite(t.prisma);
    const reviewer = await seedStaff(t.prisma, 'SITE_REVIEWER', { siteId: site.id });
    const staff = await loginAs(t.prisma, { role: 'SITE_REVIEWER', userId: reviewer.id });
    expect((await upload(staff, 'ID_CARD', await makeJpeg())).status).toBe(403);
    const { Cookie } = candidate;
    const noCsrf = await request(t.app).post('/api/material/images').set({ Cookie }).attach('file', await makeJpeg(), 'a.jpg');
    expect(noCsrf.status).toBe(403);
    expect((await request(t.app).post('/api/material/images').attach('file', await makeJpeg(), 'a.jpg')).status).toBe(401);
  });
});

describe('DELETE /api/material/images/:id', () => {
  it('soft-deletes an own unlocked image (204) and keeps the blob (until the purge job’s retention period is over)', async () => {
    const up = await upload(candidate, 'ID_CARD', await makeJpeg());
    const res = await request(t.app).delete(`/api/material/images/${up.body.id}`).set(candidate);
    expect(res.status).toBe(204);
    const row = await t.prisma.image.findUniqueOrThrow({ where: { id: up.body.id } });
    expect(row.deletedAt).not.toBeNull();
    expect(await t.storage.exists(row.storageKey)).toBe(true);
    const dossier = await request(t.app).get('/api/material/dossier').set(candidate);
    const idCard = dossier.body.categories.find((c: { code: string }) => c.code === 'ID_CARD');
    expect(idCard.images).toEqual([]);
    expect((await request(t.app).delete(`/api/material/images/${up.body.id}`).set(candidate)).status).toBe(404);
  });

  it("answers 404 for another candidate's image and for nonsense ids", async () => {
    const up = await upload(candidate, 'ID_CARD', await makeJpeg());
    const year = await seedYear(t.prisma);
    const other = await seedCandidate(t.prisma, year, await seedSite(t.prisma));
    const otherHeaders = await loginAs(t.prisma, { role: 'CANDIDATE', candidateId: other.id });
    expect((await request(t.app).delete(`/api/material/images/${up.body.id}`).set(otherHeaders)).status).toBe(404);
    expect((await request(t.app).delete('/api/material/images/not-a-uuid').set(otherHeaders)).status).toBe(404);
    expect(await t.prisma.image.count({ where: { id: up.body.id, deletedAt: null } })).toBe(1);
  });
});
