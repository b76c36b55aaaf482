import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { ExamSite, ExamYear } from '@exam/db';
import { startMaterialTestApp } from './test-app.js';
import { AFTER_WINDOW, IN_WINDOW, loginAs, makeJpeg, markImageReady, seedCandidate, seedSite, seedStaff, seedYear, type AuthHeaders } from '@exam/testing';

const t = await startMaterialTestApp();
afterAll(() => t.close());

let year: ExamYear;
let site: ExamSite;
let candidate: AuthHeaders;
let candidateId: string;

beforeEach(async () => {
  t.clock.set(IN_WINDOW);
  year = await seedYear(t.prisma);
  site = await seedSite(t.prisma, { name: '和平区考点' });
  const c = await seedCandidate(t.prisma, year, site, { name: '李四', idNumber: '120101199001011234' });
  candidateId = c.id;
  candidate = await loginAs(t.prisma, { role: 'CANDIDATE', candidateId });
});

const upload = (headers: AuthHeaders, categoryCode: string, file: Buffer) =>
  request(t.app).post('/api/material/images').set(headers).field('categoryCode', categoryCode).attach('file', file, 'x.jpg');

/** Uploads `n` images into `code` and marks them processed, as the image worker would. */
async function uploadReady(code: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await upload(candidate, code, await makeJpeg());
    expect(res.status).toBe(201);
    await markImageReady(t.prisma, res.body.id, { thumbKey: `thumbs/t/${res.body.id}`, previewKey: `previews/t/${res.body.id}` });
    ids.push(res.body.id);
  }
  return ids;
}

async function completeDossier(): Promise<void> {
  await uploadReady('ID_CARD', 2);
  await uploadReady('GRAD_CERT', 1);
  await uploadReady('PROBATION', 1);
}

const submit = (headers: AuthHeaders) => request(t.app).post('/api/material/dossier/submit').set(headers);

describe('GET /api/material/dossier', () => {
  it('an ID-number ciphertext moved to another candidate does not decrypt: that candidate sees it fully masked', async () => {
    const other = await seedCandidate(t.prisma, year, site, { idNumber: '110101198001019999' });
    const { idNumberEnc } = await t.prisma.candidate.findUniqueOrThrow({ where: { id: candidateId } });
    await t.prisma.candidate.update({ where: { id: other.id }, data: { idNumberEnc } });
    const res = await request(t.app).get('/api/material/dossier').set(await loginAs(t.prisma, { role: 'CANDIDATE', candidateId: other.id }));
    expect(res.status).toBe(200);
    expect(res.body.candidate.idNumberMasked).toBe('******************');
    expect((await request(t.app).get('/api/material/dossier').set(candidate)).body.candidate.idNumberMasked).toBe('120***********1234');
  });

  it('creates one DRAFT dossier, even for concurrent first visits, and shows only applicable categories', async () => {
    const all = await Promise.all(Array.from({ length: 5 }, () => request(t.app).get('/api/material/dossier').set(candidate)));
    expect(all.every((r) => r.status === 200)).toBe(true);
    expect(new Set(all.map((r) => r.body.dossier.id)).size).toBe(1);
    expect(await t.prisma.dossier.count({ where: { candidateId } })).toBe(1);

    const body = all[0]!.body;
    expect(body.dossier).toMatchObject({ status: 'DRAFT', statusLabel: '未提交' });
    expect(body.examYear).toMatchObject({ id: year.id, windowState: 'OPEN', windowStart: '2026-01-29T02:00:00.000Z' });
    expect(body.candidate).toMatchObject({ name: '李四', siteName: '和平区考点', idNumberMasked: '120***********1234', candidateTypeLabel: '已毕业考生' });
    expect(JSON.stringify(body)).not.toContain('120101199001011234');
    const codes = body.categories.map((c: { code: string }) => c.code);
    expect(codes).toEqual(['ID_CARD', 'GRAD_CERT', 'DEGREE_CERT', 'PROBATION', 'INST_LICENSE', 'OTHER']);
    expect(body.categories[0]).toMatchObject({ name: '有效身份证明（正反面）', minCount: 2, maxCount: 2, required: true, images: [] });
  });

  it('shows an assistant upgrading to physician their own materials', async () => {
    const c = await seedCandidate(t.prisma, year, site, { candidateType: 'ASSISTANT_UPGRADE', attributes: ['MILITARY'] });
    const res = await request(t.app).get('/api/material/dossier').set(await loginAs(t.prisma, { role: 'CANDIDATE', candidateId: c.id }));
    const codes = res.body.categories.map((x: { code: string }) => x.code);
    expect(codes).toEqual(expect.arrayContaining(['ASSIST_QUAL', 'ASSIST_PRACTICE', 'PRACTICE_PERIOD', 'MILITARY']));
    expect(codes).not.toContain('PROBATION');
  });

  it('lists images with their lock and same-origin URLs once processed', async () => {
    const [ready] = await uploadReady('ID_CARD', 1);
    const pending = await upload(candidate, 'ID_CARD', await makeJpeg());
    const res = await request(t.app).get('/api/material/dossier').set(candidate);
    const images = res.body.categories[0].images;
    expect(images).toHaveLength(2);
    expect(images[0]).toMatchObject({ id: ready, state: 'READY', locked: false, thumbUrl: `/api/material/images/${ready}/thumb`, previewUrl: `/api/material/images/${ready}/preview` });
    expect(images[1]).toMatchObject({ id: pending.body.id, state: 'PROCESSING', thumbUrl: null, previewUrl: null });
    expect(res.body.categories[0].canUpload).toBe(false); // 有效身份证明 holds its 2
    expect(res.body.categories[1].canUpload).toBe(true);
    t.clock.set(AFTER_WINDOW);
    const later = await request(t.app).get('/api/material/dossier').set(candidate);
    expect(later.body.examYear.windowState).toBe('CLOSED');
    expect(later.body.categories.some((c: { canUpload: boolean }) => c.canUpload)).toBe(false);
    expect(later.body.categories[0].images.every((i: { locked: boolean }) => i.locked)).toBe(true);
  });

  it('is refused to reviewers (403) and to anonymous callers (401)', async () => {
    const u = await seedStaff(t.prisma, 'SITE_REVIEWER', { siteId: site.id });
    expect((await request(t.app).get('/api/material/dossier').set(await loginAs(t.prisma, { role: 'SITE_REVIEWER', userId: u.id }))).status).toBe(403);
    expect((await request(t.app).get('/api/material/dossier')).status).toBe(401);
  });
});

describe('POST /api/material/dossier/submit', () => {
  it('refuses an incomplete dossier with 409 naming each missing category', async () => {
    await uploadReady('ID_CARD', 1);
    await upload(candidate, 'GRAD_CERT', await makeJpeg()); // still processing
    const res = await submit(candidate);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('DOSSIER_INCOMPLETE');
    expect(res.body.error.details.problems).toEqual([
      '「有效身份证明（正反面）」至少需要 2 张有效图片，当前 1 张',
      '「毕业证书」还有图片正在处理，请稍候',
      '「医师资格考试试用期考核证明」至少需要 1 张有效图片，当前 0 张',
    ]);
  });

  it('submits a complete dossier to site review, locks it, records the transition and queues the notice', async () => {
    await completeDossier();
    const res = await submit(candidate);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dossier: { status: 'PENDING_SITE', statusLabel: '审核中' }, message: '上报完成，内容已锁定' });

    const dossier = await t.prisma.dossier.findUniqueOrThrow({ where: { candidateId } });
    expect(dossier).toMatchObject({ status: 'PENDING_SITE', version: 1 });
    expect(dossier.submittedAt?.toISOString()).toBe(IN_WINDOW.toISOString());
    const tr = await t.prisma.dossierTransition.findFirstOrThrow({ where: { dossierId: dossier.id } });
    expect(tr).toMatchObject({ fromStatus: 'DRAFT', toStatus: 'PENDING_SITE', actorType: 'CANDIDATE', actorId: candidateId });
    expect(await t.producer.queue('notify').getJob(`notify.fanout__${tr.id}`)).toBeTruthy();
    expect(await t.prisma.auditLog.count({ where: { action: 'dossier.submit', candidateId } })).toBe(1);

    // locked now: no upload, no delete, no second submit
    const view = await request(t.app).get('/api/material/dossier').set(candidate);
    const img = view.body.categories[0].images[0];
    expect(img.locked).toBe(true);
    const up = await upload(candidate, 'OTHER', await makeJpeg());
    expect(up.status).toBe(409);
    expect(up.body.error.message).toBe('「其他材料」已锁定，不能再上传或修改');
    const del = await request(t.app).delete(`/api/material/images/${img.id}`).set(candidate);
    expect(del.status).toBe(409);
    expect(del.body.error.message).toBe('图片已锁定，不能修改');
    expect((await submit(candidate)).status).toBe(409);
  });

  it('submits once when the button is pressed twice at the same time', async () => {
    await completeDossier();
    const both = await Promise.all([submit(candidate), submit(candidate)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await t.prisma.dossierTransition.count({ where: { dossier: { candidateId } } })).toBe(1);
  });

  it('refuses to submit after the window closed', async () => {
    await completeDossier();
    t.clock.set(AFTER_WINDOW);
    const res = await submit(candidate);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('WINDOW_CLOSED');
  });

  it('after a return: unlocks only what was returned, and resubmits to the district once it was replaced', async () => {
    const [idFront, idBack] = await uploadReady('ID_CARD', 2);
    await uploadReady('GRAD_CERT', 1);
    await uploadReady('PROBATION', 1);
    expect((await submit(candidate)).status).toBe(200);

    // a site reviewer returns the ID card front (the review-service will do this; seeded here)
    const dossier = await t.prisma.dossier.findUniqueOrThrow({ where: { candidateId } });
    const returnedAt = new Date(IN_WINDOW.getTime() + 3600_000);
    await t.prisma.dossier.update({ where: { id: dossier.id }, data: { status: 'RETURNED', version: { increment: 1 } } });
    const ret = await t.prisma.return.create({
      data: {
        dossierId: dossier.id,
        level: 'SITE',
        createdById: dossier.id,
        deadline: new Date(AFTER_WINDOW.getTime() + 72 * 3600_000),
        createdAt: returnedAt,
        items: { create: [{ imageId: idFront!, categoryCode: 'ID_CARD', reasonCode: 'BLURRY', reasonText: '照片模糊' }] },
      },
    });
    t.clock.set(AFTER_WINDOW); // the return unlocks its items even after the upload window

    const view = await request(t.app).get('/api/material/dossier').set(candidate);
    const locks = Object.fromEntries(view.body.categories[0].images.map((i: { id: string; locked: boolean }) => [i.id, i.locked]));
    expect(locks).toEqual({ [idFront!]: false, [idBack!]: true });
    const canUpload = Object.fromEntries(view.body.categories.map((c: { code: string; canUpload: boolean }) => [c.code, c.canUpload]));
    expect(canUpload).toMatchObject({ ID_CARD: false /* full: delete the returned side, then 上传 */, GRAD_CERT: false });
    expect((await request(t.app).delete(`/api/material/images/${idBack}`).set(candidate)).status).toBe(409);
    expect((await upload(candidate, 'GRAD_CERT', await makeJpeg())).status).toBe(409);

    const early = await submit(candidate);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('RETURN_INCOMPLETE');

    expect((await request(t.app).delete(`/api/material/images/${idFront}`).set(candidate)).status).toBe(204);
    const [replacement] = await uploadReady('ID_CARD', 1);
    expect(replacement).toBeTruthy();

    const res = await submit(candidate);
    expect(res.status).toBe(200);
    expect(res.body.dossier.status).toBe('PENDING_DISTRICT');
    expect((await t.prisma.return.findUniqueOrThrow({ where: { id: ret.id } })).closedAt).not.toBeNull();
    const last = await t.prisma.dossierTransition.findFirstOrThrow({ where: { dossierId: dossier.id }, orderBy: { createdAt: 'desc' } });
    expect(last).toMatchObject({ fromStatus: 'RETURNED', toStatus: 'PENDING_DISTRICT' });
  });
});
