// What the candidate sees and may do after review: a return (reasons, deadline, exactly what unlocks), the
// resubmission, the deadline passing, and the result — only once published.
import request from 'supertest';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { DossierResponse } from '@exam/api';
import type { ExamSite, ExamYear } from '@exam/db';
import { IN_WINDOW, buildDossier, loginAs, makeJpeg, markImageReady, seedSite, seedYear, type AuthHeaders } from '@exam/testing';
import { startMaterialTestApp } from './test-app.js';

const t = await startMaterialTestApp();
afterAll(() => t.close());

let year: ExamYear;
let site: ExamSite;
const HOUR = 3600_000;

beforeEach(async () => {
  t.clock.set(IN_WINDOW);
  year = await seedYear(t.prisma);
  site = await seedSite(t.prisma);
});

const dossierOf = async (h: AuthHeaders) => {
  const res = await request(t.app).get('/api/material/dossier').set(h);
  expect(res.status).toBe(200);
  return res.body as DossierResponse;
};

async function returnedDossier() {
  const built = await buildDossier(t.prisma, {
    year,
    site,
    status: 'RETURNED',
    door: { now: t.clock.now },
    returnDeadline: new Date(IN_WINDOW.getTime() + 24 * HOUR),
  });
  return { ...built, h: await loginAs(t.prisma, { role: 'CANDIDATE', candidateId: built.candidate.id }) };
}

describe('a returned dossier (待补充材料)', () => {
  it('shows the reason on the returned image, the deadline, and unlocks exactly that image', async () => {
    const { h, images } = await returnedDossier();
    const d = await dossierOf(h);
    expect(d.dossier).toMatchObject({ status: 'RETURNED', statusLabel: '待补充材料' });
    expect(d.openReturn).toMatchObject({ deadline: new Date(IN_WINDOW.getTime() + 24 * HOUR).toISOString() });
    expect(d.openReturn!.items).toEqual([{ imageId: images[0]!.id, categoryCode: 'ID_CARD', categoryName: '有效身份证明（正反面）', reason: '模糊不清' }]);
    const all = d.categories.flatMap((c) => c.images);
    expect(all.filter((i) => !i.locked).map((i) => [i.id, i.returnReason])).toEqual([[images[0]!.id, '模糊不清']]);
    expect(all.filter((i) => i.locked).every((i) => i.returnReason === null)).toBe(true);

    // the others stay locked, on the server
    const other = await request(t.app).delete(`/api/material/images/${images[1]!.id}`).set(h);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IMAGE_LOCKED');
    const full = await request(t.app).post('/api/material/images').set(h).field('categoryCode', 'GRAD_CERT').attach('file', await makeJpeg(), 'x.jpg');
    expect(full.body.error.code).toBe('CATEGORY_LOCKED');
  });

  it('replace the returned image, 提交审核 again: to district review, shown as 审核中, return closed', async () => {
    const { h, images, dossier } = await returnedDossier();
    expect((await request(t.app).post('/api/material/dossier/submit').set(h)).body.error.code).toBe('RETURN_INCOMPLETE');
    expect((await request(t.app).delete(`/api/material/images/${images[0]!.id}`).set(h)).status).toBe(204);
    t.clock.set(new Date(IN_WINDOW.getTime() + HOUR));
    const up = await request(t.app).post('/api/material/images').set(h).field('categoryCode', 'ID_CARD').attach('file', await makeJpeg(), 'new.jpg');
    expect(up.status).toBe(201);
    await markImageReady(t.prisma, up.body.id, { thumbKey: 'thumbs/x', previewKey: 'previews/x' });

    const res = await request(t.app).post('/api/material/dossier/submit').set(h);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ dossier: { id: dossier.id, status: 'PENDING_DISTRICT', statusLabel: '审核中' }, message: '上报完成，内容已锁定' });
    const d = await dossierOf(h);
    expect(d.openReturn).toBeNull();
    expect(d.categories.flatMap((c) => c.images).every((i) => i.locked)).toBe(true);
    expect(await t.prisma.return.count({ where: { dossierId: dossier.id, closedAt: null } })).toBe(0);
  });

  it('once the return deadline passes, the returned image locks again and 提交审核 is refused', async () => {
    const { h, images } = await returnedDossier();
    t.clock.set(new Date(IN_WINDOW.getTime() + 24 * HOUR));
    const d = await dossierOf(h);
    expect(d.categories.flatMap((c) => c.images).every((i) => i.locked && i.returnReason === null)).toBe(true);
    expect(d.categories.every((c) => !c.canUpload)).toBe(true);
    const del = await request(t.app).delete(`/api/material/images/${images[0]!.id}`).set(h);
    expect(del.body.error.code).toBe('IMAGE_LOCKED');
    const submit = await request(t.app).post('/api/material/dossier/submit').set(h);
    expect(submit.status).toBe(409);
    expect(submit.body.error).toMatchObject({ code: 'RETURN_EXPIRED', message: '补充材料的截止时间已过，不能再提交' });
  });

  it('a whole category asked for: its reason on the card and 上传 offered there only', async () => {
    const built = await buildDossier(t.prisma, { year, site, status: 'PENDING_SITE', door: { now: t.clock.now } });
    await t.prisma.$transaction(async (tx) => {
      await tx.dossier.update({ where: { id: built.dossier.id }, data: { status: 'RETURNED' } });
      await tx.return.create({
        data: {
          dossierId: built.dossier.id,
          level: 'SITE',
          createdById: built.siteReviewerId,
          deadline: new Date(IN_WINDOW.getTime() + 24 * HOUR),
          items: { create: [{ categoryCode: 'DEGREE_CERT', reasonCode: 'MISSING', reasonText: '请补充学位证书' }] },
        },
      });
    });
    const d = await dossierOf(await loginAs(t.prisma, { role: 'CANDIDATE', candidateId: built.candidate.id }));
    const degree = d.categories.find((c) => c.code === 'DEGREE_CERT')!;
    expect(degree).toMatchObject({ canUpload: true, returnReason: '材料缺失：请补充学位证书' });
    expect(d.categories.filter((c) => c.code !== 'DEGREE_CERT').every((c) => !c.canUpload && c.returnReason === null)).toBe(true);
  });
});

describe('the result', () => {
  it('stays 审核中 until published; then 审核通过, or 审核不通过 with the district’s reason', async () => {
    const approved = await buildDossier(t.prisma, { year, site, status: 'APPROVED' });
    const rejected = await buildDossier(t.prisma, { year, site, status: 'REJECTED', proposedRejection: true });
    const ha = await loginAs(t.prisma, { role: 'CANDIDATE', candidateId: approved.candidate.id });
    const hr = await loginAs(t.prisma, { role: 'CANDIDATE', candidateId: rejected.candidate.id });
    for (const h of [ha, hr]) {
      const d = await dossierOf(h);
      expect(d.dossier).toMatchObject({ status: 'PENDING_DISTRICT', statusLabel: '审核中' });
      expect(d.result).toBeNull();
      expect(JSON.stringify(d)).not.toMatch(/审核通过|审核不通过|APPROVED|REJECTED/);
    }
    const at = new Date('2026-03-01T02:00:00Z');
    await t.prisma.dossier.updateMany({ where: { id: { in: [approved.dossier.id, rejected.dossier.id] } }, data: { publishedAt: at } });
    expect((await dossierOf(ha)).result).toEqual({ status: 'APPROVED', label: '审核通过', reason: null, publishedAt: at.toISOString() });
    expect((await dossierOf(hr)).result).toEqual({ status: 'REJECTED', label: '审核不通过', reason: '不符合报名条件', publishedAt: at.toISOString() });
    expect((await dossierOf(hr)).dossier).toMatchObject({ status: 'REJECTED', statusLabel: '审核不通过' });
  });
});
