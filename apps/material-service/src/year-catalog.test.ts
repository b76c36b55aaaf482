import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import ExcelJS from 'exceljs';
import type { ExamYear } from '@exam/db';
import { DEFAULT_CATALOG, parseBeijingTime } from '@exam/domain';
import { BEFORE_WINDOW, IN_WINDOW, loginAs, makeJpeg, makePng, seedCandidate, seedSite, seedStaff, seedYear, type AuthHeaders } from '@exam/testing';
import { startMaterialTestApp } from './test-app.js';

const t = await startMaterialTestApp();
afterAll(() => t.close());

const BASE = '/api/material/admin';
const h = {} as Record<'admin' | 'otherAdmin' | 'reviewer' | 'otherReviewer' | 'candidate' | 'otherYearCandidate', AuthHeaders>;
let demoYear: ExamYear;
const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

beforeAll(async () => {
  t.clock.set(IN_WINDOW);
  demoYear = await seedYear(t.prisma);
  const other = await seedYear(t.prisma);
  const site = await seedSite(t.prisma);
  h.admin = await loginAs(t.prisma, { role: 'ADMIN', userId: (await seedStaff(t.prisma, 'ADMIN')).id });
  h.otherAdmin = await loginAs(t.prisma, { role: 'ADMIN', userId: (await seedStaff(t.prisma, 'ADMIN', { districtCode: '34' })).id });
  h.reviewer = await loginAs(t.prisma, { role: 'DISTRICT_REVIEWER', userId: (await seedStaff(t.prisma, 'DISTRICT_REVIEWER')).id });
  h.otherReviewer = await loginAs(t.prisma, { role: 'DISTRICT_REVIEWER', userId: (await seedStaff(t.prisma, 'DISTRICT_REVIEWER', { districtCode: '34' })).id });
  h.candidate = await loginAs(t.prisma, { role: 'CANDIDATE', candidateId: (await seedCandidate(t.prisma, demoYear, site)).id });
  h.otherYearCandidate = await loginAs(t.prisma, { role: 'CANDIDATE', candidateId: (await seedCandidate(t.prisma, other, site)).id });
});

const newYear = (over: Record<string, unknown> = {}) => ({
  code: `Y${Math.random().toString(36).slice(2, 8)}`,
  name: '2027年医师资格考试',
  uploadStart: '2026-01-29 10:00',
  uploadEnd: '2026-02-11 24:00',
  autoSubmitAtDeadline: false,
  returnWindowHours: 48,
  notices: ['请使用手机拍摄原件。', '  ', '上传时间截止后系统自动锁定。'],
  ...over,
});
const categoryOf = async (yearId: string, code: string) =>
  (await request(t.app).get(`${BASE}/years/${yearId}/categories`).set(h.admin)).body.categories.find((c: { code: string }) => c.code === code);

describe('exam years', () => {
  it('creates a year with the default catalog, shows times as the manual writes them and audits it', async () => {
    const res = await request(t.app).post(`${BASE}/years`).set(h.admin).send(newYear());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      uploadStartText: '2026年1月29日10:00',
      uploadEndText: '2026年2月11日24:00',
      uploadEndInput: '2026-02-11 24:00',
      windowState: 'OPEN',
      autoSubmitAtDeadline: false,
      returnWindowHours: 48,
      notices: ['请使用手机拍摄原件。', '上传时间截止后系统自动锁定。'],
      categoryCount: DEFAULT_CATALOG.length,
    });
    expect(await t.prisma.auditLog.count({ where: { action: 'material.year_create', targetId: res.body.id } })).toBe(1);
    const list = await request(t.app).get(`${BASE}/years`).set(h.admin);
    expect(list.body.years.map((y: { id: string }) => y.id)).toContain(res.body.id);
    // the other district's admin does not see it
    const otherList = await request(t.app).get(`${BASE}/years`).set(h.otherAdmin);
    expect(otherList.body.years.map((y: { id: string }) => y.id)).not.toContain(res.body.id);
  });

  it('refuses bad input with specific Chinese 4xx messages', async () => {
    const bad = async (body: Record<string, unknown>, status: number, message: RegExp) => {
      const res = await request(t.app).post(`${BASE}/years`).set(h.admin).send(body);
      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
    };
    await bad(newYear({ uploadEnd: '2026-01-20 10:00' }), 400, /必须晚于开始时间/);
    await bad(newYear({ uploadStart: '2026/01/29' }), 400, /上传开始时间格式应为/);
    await bad(newYear({ uploadStart: '2026-02-30 10:00' }), 400, /日期不存在/);
    await bad(newYear({ returnWindowHours: 0 }), 400, /至少 1 小时/);
    await bad(newYear({ code: demoYear.code }), 409, /已存在/);
    await bad(newYear({ notices: ['x'.repeat(501)] }), 400, /500 字/);
    expect((await request(t.app).post(`${BASE}/years`).set(h.reviewer).send(newYear())).status).toBe(403);
    expect((await request(t.app).post(`${BASE}/years`).send(newYear())).status).toBe(401);
  });

  it('changing an opened window needs confirmation (409 saying what changes) and is audited with before/after', async () => {
    const year = (await request(t.app).post(`${BASE}/years`).set(h.admin).send(newYear())).body;
    await t.prisma.examYear.update({ where: { id: year.id }, data: { windowReminder24hAt: new Date() } });
    const refused = await request(t.app).patch(`${BASE}/years/${year.id}`).set(h.admin).send({ uploadEnd: '2026-02-12 24:00' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('WINDOW_CHANGE_NEEDS_CONFIRM');
    expect(refused.body.error.message).toContain('截止时间由 2026年2月11日24:00 改为 2026年2月12日24:00');
    const ok = await request(t.app).patch(`${BASE}/years/${year.id}`).set(h.admin).send({ uploadEnd: '2026-02-12 24:00', confirm: true });
    expect(ok.status).toBe(200);
    expect(ok.body.uploadEndText).toBe('2026年2月12日24:00');
    expect(ok.body).toMatchObject({ autoSubmitAtDeadline: false, returnWindowHours: 48 }); // absent fields stay
    const row = await t.prisma.examYear.findUniqueOrThrow({ where: { id: year.id } });
    expect(row.uploadEnd.toISOString()).toBe(parseBeijingTime('2026-02-12 24:00').toISOString());
    expect(row.windowReminder24hAt).toBeNull(); // the reminders re-arm for the new end
    const audit = await t.prisma.auditLog.findFirstOrThrow({ where: { action: 'material.year_window_change_confirmed', targetId: year.id } });
    expect(audit.details).toMatchObject({ changed: { uploadEnd: { before: '2026年2月11日24:00', after: '2026年2月12日24:00' } } });
    // other fields of an opened year need no confirmation
    const notices = await request(t.app).patch(`${BASE}/years/${year.id}`).set(h.admin).send({ notices: ['新的提示'], returnWindowHours: 24 });
    expect(notices.status).toBe(200);
    expect(notices.body).toMatchObject({ notices: ['新的提示'], returnWindowHours: 24 });
    // a not-yet-opened window moves freely
    t.clock.set(BEFORE_WINDOW);
    try {
      const moved = await request(t.app).patch(`${BASE}/years/${year.id}`).set(h.admin).send({ uploadStart: '2026-01-28 09:00' });
      expect(moved.status).toBe(200);
    } finally {
      t.clock.set(IN_WINDOW);
    }
    // once the deadline worker locked the year, the window stays
    await t.prisma.examYear.update({ where: { id: year.id }, data: { deadlineProcessedAt: new Date() } });
    const locked = await request(t.app).patch(`${BASE}/years/${year.id}`).set(h.admin).send({ uploadEnd: '2026-02-13 24:00', confirm: true });
    expect(locked.status).toBe(409);
    expect(locked.body.error.message).toMatch(/不能再修改上传时间/);
  });

  it('another district, unknown fields and bad ids answer 4xx', async () => {
    expect((await request(t.app).patch(`${BASE}/years/${demoYear.id}`).set(h.otherAdmin).send({ name: 'x' })).status).toBe(404);
    expect((await request(t.app).patch(`${BASE}/years/not-a-uuid`).set(h.admin).send({ name: 'x' })).status).toBe(404);
    expect((await request(t.app).patch(`${BASE}/years/${demoYear.id}`).set(h.admin).send({ districtCode: '34' })).status).toBe(400);
  });
});

describe('材料说明 PDF', () => {
  it('accepts only a real PDF, serves it to the year\'s candidates and district staff only', async () => {
    const notPdf = await request(t.app).put(`${BASE}/years/${demoYear.id}/guide`).set(h.admin).attach('file', await makeJpeg(), '说明.pdf');
    expect(notPdf.status).toBe(400);
    expect(notPdf.body.error.message).toMatch(/不是有效的 PDF/);
    const tooLarge = await request(t.app).put(`${BASE}/years/${demoYear.id}/guide`).set(h.admin).attach('file', Buffer.alloc(5 * 1024 * 1024 + 10, 1), 'big.pdf');
    expect(tooLarge.status).toBe(413);
    expect((await request(t.app).put(`${BASE}/years/${demoYear.id}/guide`).set(h.admin)).status).toBe(400);
    expect((await request(t.app).put(`${BASE}/years/${demoYear.id}/guide`).set(h.otherAdmin).attach('file', pdf, 'a.pdf')).status).toBe(404);
    const ok = await request(t.app).put(`${BASE}/years/${demoYear.id}/guide`).set(h.admin).attach('file', pdf, '材料说明.pdf');
    expect(ok.status).toBe(200);
    const url: string = ok.body.guide.url;
    expect(ok.body.guide.fileName).toBe('材料说明.pdf');
    const dossier = await request(t.app).get('/api/material/dossier').set(h.candidate);
    expect(dossier.body.examYear.guideUrl).toBe(url);
    const got = await request(t.app).get(url).set(h.candidate);
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers['content-disposition']).toMatch(/^inline/);
    expect(Buffer.from(got.body as Buffer).equals(pdf)).toBe(true);
    expect((await request(t.app).get(url).set(h.reviewer)).status).toBe(200);
    expect((await request(t.app).get(url).set(h.otherYearCandidate)).status).toBe(404);
    expect((await request(t.app).get(url).set(h.otherReviewer)).status).toBe(404);
    expect((await request(t.app).get(url)).status).toBe(401);
    // 删除: the link goes away and the old URL is gone
    expect((await request(t.app).delete(`${BASE}/years/${demoYear.id}/guide`).set(h.otherAdmin)).status).toBe(404);
    const removed = await request(t.app).delete(`${BASE}/years/${demoYear.id}/guide`).set(h.admin);
    expect(removed.body.guide).toBeNull();
    expect((await request(t.app).get('/api/material/dossier').set(h.candidate)).body.examYear.guideUrl).toBeNull();
    expect((await request(t.app).get(url).set(h.candidate)).status).toBe(404);
    expect(await t.prisma.auditLog.count({ where: { action: 'material.year_guide_delete', targetId: demoYear.id } })).toBe(1);
  });
});

describe('示例 example images', () => {
  it('the admin uploads a real image; the candidate sees it in the dossier; only authorised users are served it', async () => {
    const cat = await categoryOf(demoYear.id, 'GRAD_CERT');
    const notImage = await request(t.app).put(`${BASE}/categories/${cat.id}/example`).set(h.admin).attach('file', Buffer.from('GIF89a not really'), 'x.jpg');
    expect(notImage.status).toBe(400);
    expect(notImage.body.error.message).toMatch(/^示例图片不可用/);
    expect((await request(t.app).put(`${BASE}/categories/${cat.id}/example`).set(h.otherAdmin).attach('file', await makeJpeg(400, 300), 'x.jpg')).status).toBe(404);
    const up = await request(t.app).put(`${BASE}/categories/${cat.id}/example`).set(h.admin).attach('file', await makePng(300, 240), 'x.png');
    expect(up.status).toBe(200);
    const url: string = up.body.exampleImageUrl;
    expect(url).toMatch(new RegExp(`^/api/material/categories/${cat.id}/example/[0-9a-f-]{36}$`));
    expect(await t.prisma.auditLog.count({ where: { action: 'material.category_example_upload', targetId: cat.id } })).toBe(1);

    const dossier = await request(t.app).get('/api/material/dossier').set(h.candidate);
    expect(dossier.body.categories.find((c: { code: string }) => c.code === 'GRAD_CERT').exampleImageUrl).toBe(url);
    expect(dossier.body.categories.find((c: { code: string }) => c.code === 'ID_CARD').exampleImageUrl).toBeNull();

    const got = await request(t.app).get(url).set(h.candidate);
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('image/jpeg'); // normalised to a metadata-free JPEG
    expect(got.headers['cache-control']).toBe('private, max-age=86400, immutable');
    expect((got.body as Buffer).subarray(0, 2).toString('hex')).toBe('ffd8');
    expect((await request(t.app).get(url).set(h.reviewer)).status).toBe(200);
    expect((await request(t.app).get(url).set(h.otherYearCandidate)).status).toBe(404);
    expect((await request(t.app).get(url).set(h.otherReviewer)).status).toBe(404);
    expect((await request(t.app).get(url)).status).toBe(401);
    // a replaced example: the old URL is gone
    const again = await request(t.app).put(`${BASE}/categories/${cat.id}/example`).set(h.admin).attach('file', await makeJpeg(300, 300), 'y.jpg');
    expect(again.body.exampleImageUrl).not.toBe(url);
    expect((await request(t.app).get(url).set(h.candidate)).status).toBe(404);
    expect((await request(t.app).get(again.body.exampleImageUrl).set(h.candidate)).status).toBe(200);
  });
});

describe('catalog', () => {
  it('edits a category; one holding images cannot be deleted but can be hidden (no new uploads, still shown to its holder)', async () => {
    const year = await seedYear(t.prisma);
    const site = await seedSite(t.prisma);
    const holder = await loginAs(t.prisma, { role: 'CANDIDATE', candidateId: (await seedCandidate(t.prisma, year, site)).id });
    const fresh = await loginAs(t.prisma, { role: 'CANDIDATE', candidateId: (await seedCandidate(t.prisma, year, site)).id });
    const degree = await categoryOf(year.id, 'DEGREE_CERT');
    const edited = await request(t.app).patch(`${BASE}/categories/${degree.id}`).set(h.admin).send({ name: '学位证书（如有）', maxCount: 3, types: ['GRADUATE'] });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: '学位证书（如有）', maxCount: 3, types: ['GRADUATE'], required: false });
    const bad = await request(t.app).patch(`${BASE}/categories/${degree.id}`).set(h.admin).send({ minCount: 5 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/不能大于最多张数/);
    expect((await request(t.app).patch(`${BASE}/categories/${degree.id}`).set(h.admin).send({ types: ['NURSE'] })).status).toBe(400);
    expect((await request(t.app).patch(`${BASE}/categories/${degree.id}`).set(h.otherAdmin).send({ name: 'x' })).status).toBe(404);

    const up = await request(t.app).post('/api/material/images').set(holder).field('categoryCode', 'DEGREE_CERT').attach('file', await makeJpeg(), 'a.jpg');
    expect(up.status).toBe(201);
    const del = await request(t.app).delete(`${BASE}/categories/${degree.id}`).set(h.admin);
    expect(del.status).toBe(409);
    expect(del.body.error.message).toMatch(/不能删除.*隐藏/);
    // a deleted image still counts: it was referenced
    await request(t.app).delete(`/api/material/images/${up.body.id}`).set(holder);
    expect((await request(t.app).delete(`${BASE}/categories/${degree.id}`).set(h.admin)).status).toBe(409);
    await request(t.app).post('/api/material/images').set(holder).field('categoryCode', 'DEGREE_CERT').attach('file', await makeJpeg(), 'b.jpg');

    const hidden = await request(t.app).patch(`${BASE}/categories/${degree.id}`).set(h.admin).send({ hidden: true });
    expect(hidden.body).toMatchObject({ hidden: true, imageCount: 2 });
    expect(await t.prisma.auditLog.count({ where: { action: 'material.category_hide', targetId: degree.id } })).toBe(1);
    const refused = await request(t.app).post('/api/material/images').set(holder).field('categoryCode', 'DEGREE_CERT').attach('file', await makeJpeg(), 'c.jpg');
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/停止接收/);
    const holderView = (await request(t.app).get('/api/material/dossier').set(holder)).body.categories.find((c: { code: string }) => c.code === 'DEGREE_CERT');
    expect(holderView).toMatchObject({ canUpload: false });
    expect(holderView.images).toHaveLength(1);
    const freshCodes = (await request(t.app).get('/api/material/dossier').set(fresh)).body.categories.map((c: { code: string }) => c.code);
    expect(freshCodes).not.toContain('DEGREE_CERT');

    // a category nobody used is deleted
    const other = await categoryOf(year.id, 'INST_LICENSE');
    expect((await request(t.app).delete(`${BASE}/categories/${other.id}`).set(h.admin)).status).toBe(204);
    expect(await categoryOf(year.id, 'INST_LICENSE')).toBeUndefined();
  });

  it('creates and reorders categories', async () => {
    const year = await seedYear(t.prisma);
    const created = await request(t.app).post(`${BASE}/years/${year.id}/categories`).set(h.admin).send({ code: 'HEALTH_FORM', name: '健康承诺书', minCount: 1, maxCount: 1 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: 'HEALTH_FORM', required: true, types: [], hidden: false, exampleImageUrl: null });
    const dup = await request(t.app).post(`${BASE}/years/${year.id}/categories`).set(h.admin).send({ code: 'HEALTH_FORM', name: 'x', minCount: 0, maxCount: 1 });
    expect(dup.status).toBe(409);
    const badCode = await request(t.app).post(`${BASE}/years/${year.id}/categories`).set(h.admin).send({ code: 'bad code', name: 'x', minCount: 0, maxCount: 1 });
    expect(badCode.status).toBe(400);
    expect(badCode.body.error.message).toMatch(/材料代码/);
    const ids: string[] = (await request(t.app).get(`${BASE}/years/${year.id}/categories`).set(h.admin)).body.categories.map((c: { id: string }) => c.id);
    const reordered = await request(t.app).put(`${BASE}/years/${year.id}/categories/order`).set(h.admin).send({ ids: [...ids].reverse() });
    expect(reordered.status).toBe(200);
    expect(reordered.body.categories[0].code).toBe('HEALTH_FORM');
    expect((await request(t.app).put(`${BASE}/years/${year.id}/categories/order`).set(h.admin).send({ ids: ids.slice(1) })).status).toBe(400);
  });

  it('loads a catalog from JSON or .xlsx, all or nothing, reporting every bad row', async () => {
    const year = await seedYear(t.prisma);
    const site = await seedSite(t.prisma);
    const holder = await loginAs(t.prisma, { role: 'CANDIDATE', candidateId: (await seedCandidate(t.prisma, year, site)).id });
    await request(t.app).post('/api/material/images').set(holder).field('categoryCode', 'OTHER').attach('file', await makeJpeg(), 'a.jpg');
    const importFile = (file: Buffer, name: string) => request(t.app).post(`${BASE}/years/${year.id}/categories/import`).set(h.admin).attach('file', file, name);

    const badRows = [
      { code: 'ID_CARD', name: '身份证', minCount: 2, maxCount: 2 },
      { code: 'ID_CARD', name: '重复', minCount: 1, maxCount: 1 },
      { code: 'X', name: '代码太短', minCount: 0, maxCount: 1 },
      { code: 'GRAD_CERT', name: '', minCount: 1, maxCount: 1 },
    ];
    const refused = await importFile(Buffer.from(JSON.stringify(badRows)), 'c.json');
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.problems.map((p: { row: number }) => p.row).sort()).toEqual([3, 4]);
    expect((await request(t.app).get(`${BASE}/years/${year.id}/categories`).set(h.admin)).body.categories).toHaveLength(DEFAULT_CATALOG.length);
    const dupOnly = await importFile(Buffer.from(JSON.stringify(badRows.slice(0, 2))), 'c.json');
    expect(dupOnly.status).toBe(422);
    expect(dupOnly.body.error.message).toMatch(/第 2 行：材料代码 ID_CARD 与第 1 行重复/);
    expect((await importFile(Buffer.from('not json'), 'c.json')).status).toBe(400);

    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('目录');
    ws.addRow(['材料代码', '材料名称', '材料要求', '最少张数', '最多张数', '适用考生类型', '是否必传']);
    ws.addRow(['ID_CARD', '身份证', '正反面', 2, 2, '', '是']);
    ws.addRow(['FRESH_PLEDGE', '应届承诺书', '签名', 1, 1, '应届毕业生', '是']);
    ws.addRow(['DEGREE_CERT', '学位证书', '', 0, 2, '', '否']);
    const ok = await importFile(Buffer.from(await wb.xlsx.writeBuffer()), 'catalog.xlsx');
    expect(ok.status).toBe(200);
    expect(ok.body.loaded).toBe(3);
    const cats = ok.body.categories as { code: string; hidden: boolean; types: string[]; required: boolean }[];
    // OTHER holds an image: hidden, not deleted; the rest of the old catalog is gone
    expect(cats.map((c) => [c.code, c.hidden])).toEqual([
      ['ID_CARD', false],
      ['FRESH_PLEDGE', false],
      ['DEGREE_CERT', false],
      ['OTHER', true],
    ]);
    expect(cats[1]).toMatchObject({ types: ['FRESH_GRADUATE'], required: true });
    expect(cats[2]).toMatchObject({ required: false });
    expect(await t.prisma.auditLog.count({ where: { action: 'material.catalog_import', targetId: year.id } })).toBe(1);
  });
});
