import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { decryptIdNumber } from '@exam/auth';
import type { ExamYear } from '@exam/db';
import { DOSSIER_STATUSES, DOSSIER_STATUS_LABELS, formatBeijingTime, maskIdNumber } from '@exam/domain';
import { TEST_ID_KEYRING, loginAs, seedCandidate, seedDossier, seedSite, seedStaff, seedYear, validIdNumber, type AuthHeaders } from '@exam/testing';
import { startReviewTestApp } from './test-app.js';
import { PROGRESS_EXPORT_COLUMNS, RESULTS_EXPORT_COLUMNS } from './export.service.js';
import { csvCell, neutraliseCsvCell } from './export-writer.js';

const t = await startReviewTestApp();
afterAll(() => t.close());

const at = (iso: string) => new Date(iso);

/** Collects a binary response body. */
const binary = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};
const download = (path: string, headers: AuthHeaders) => request(t.app).get(`/api/review/admin/exports/${path}`).set(headers).buffer(true).parse(binary);

async function readXlsx(body: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const rows: string[][] = [];
  ws.eachRow({ includeEmpty: false }, (row) => {
    const values = (row.values as unknown[]).slice(1);
    rows.push(Array.from({ length: ws.columnCount }, (_, i) => (values[i] === undefined || values[i] === null ? '' : String(values[i]))));
  });
  return rows;
}

function readCsv(body: Buffer): string[][] {
  expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM: Excel opens the Chinese right
  return parseCsv(body.subarray(3).toString('utf8'), { relaxColumnCount: false }) as string[][];
}

describe('结果导出 (admin, own district, masked unless full=1)', () => {
  let year: ExamYear;
  const h = {} as Record<'admin' | 'district' | 'site' | 'otherAdmin', AuthHeaders>;
  let adminId: string;

  beforeAll(async () => {
    year = await seedYear(t.prisma, { districtCode: '12' });
    const site1 = await seedSite(t.prisma, { districtCode: '12', name: '和平考点' });
    const site2 = await seedSite(t.prisma, { districtCode: '12', name: '河西考点' });
    const approved = await seedDossier(t.prisma, year, site1, 'APPROVED', at('2026-02-01T01:00:00Z'), { registrationNo: '2026000001', name: '王一', idNumber: validIdNumber(1) });
    const rejected = await seedDossier(t.prisma, year, site2, 'REJECTED', at('2026-02-01T01:00:00Z'), { registrationNo: '2026000002', name: '李二', idNumber: validIdNumber(2) });
    for (const [d, status, reason] of [[approved.dossier, 'APPROVED', null], [rejected.dossier, 'REJECTED', '学历证书, "原件" 不清晰']] as const) {
      await t.prisma.dossierTransition.create({
        data: { dossierId: d.id, fromStatus: 'PENDING_DISTRICT', toStatus: status, actorType: 'STAFF', action: 'DISTRICT_DECIDE', reason, createdAt: at('2026-03-01T04:05:00Z') },
      });
    }
    await t.prisma.dossier.update({ where: { id: approved.dossier.id }, data: { publishedAt: at('2026-03-02T00:00:00Z') } });
    // a name a spreadsheet would run as a formula; a candidate without a dossier row
    await seedDossier(t.prisma, year, site1, 'PENDING_SITE', at('2026-02-01T01:00:00Z'), { registrationNo: '2026000003', name: '=HYPERLINK("http://x")', idNumber: validIdNumber(3) });
    await seedCandidate(t.prisma, year, site2, { registrationNo: '2026000004', name: '-赵四', idNumber: validIdNumber(4, '19900101', '12010X'.slice(0, 6)) });
    // another district's candidate never appears
    const other = await seedYear(t.prisma, { districtCode: '31' });
    await seedDossier(t.prisma, other, await seedSite(t.prisma, { districtCode: '31' }), 'APPROVED', null, { registrationNo: '2026000000', name: '外区考生' });
    adminId = (await seedStaff(t.prisma, 'ADMIN', { districtCode: '12' })).id;
    h.admin = await loginAs(t.prisma, { role: 'ADMIN', userId: adminId });
    h.district = await loginAs(t.prisma, { role: 'DISTRICT_REVIEWER', userId: (await seedStaff(t.prisma, 'DISTRICT_REVIEWER')).id });
    h.site = await loginAs(t.prisma, { role: 'SITE_REVIEWER', userId: (await seedStaff(t.prisma, 'SITE_REVIEWER', { siteId: site1.id })).id });
    h.otherAdmin = await loginAs(t.prisma, { role: 'ADMIN', userId: (await seedStaff(t.prisma, 'ADMIN', { districtCode: '31' })).id });
  });

  /** What the database says the export must contain, computed independently of the export's SQL. */
  async function expectedRows(full: boolean): Promise<string[][]> {
    const candidates = await t.prisma.candidate.findMany({
      where: { examYearId: year.id },
      orderBy: { registrationNo: 'asc' },
      include: { site: true, dossier: { include: { transitions: { orderBy: { createdAt: 'desc' } } } } },
    });
    return candidates.map((c) => {
      const id = decryptIdNumber(TEST_ID_KEYRING, c.id, c.idNumberEnc);
      const d = c.dossier;
      const decision = d && (d.status === 'APPROVED' || d.status === 'REJECTED') ? d.transitions.find((x) => x.toStatus === d.status) : undefined;
      return [
        c.registrationNo,
        c.name,
        full ? id : maskIdNumber(id),
        c.site.name,
        d ? DOSSIER_STATUS_LABELS[d.status] : '未建档',
        d?.publishedAt ? '是' : '否',
        d?.status === 'REJECTED' ? (decision?.reason ?? '') : '',
        decision ? formatBeijingTime(decision.createdAt) : '',
        d?.publishedAt ? formatBeijingTime(d.publishedAt) : '',
      ];
    });
  }

  it('exports the results as .xlsx that reads back equal to the database, ID numbers masked', async () => {
    const res = await download('results?format=xlsx', h.admin);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toContain(`filename="results-${year.code}.xlsx"`);
    const rows = await readXlsx(res.body as Buffer);
    expect(rows[0]).toEqual([...RESULTS_EXPORT_COLUMNS]);
    const expected = await expectedRows(false);
    expect(rows.slice(1)).toEqual(expected);
    expect(expected.map((r) => r[0])).toEqual(['2026000001', '2026000002', '2026000003', '2026000004']);
    expect(rows[1]![2]).toMatch(/^\d{3}\*{11}\d{3}[\dX]$/);
    const audit = await t.prisma.auditLog.findFirst({ where: { actorId: adminId, action: 'review.export_results' }, orderBy: { id: 'desc' } });
    expect(audit?.details).toMatchObject({ format: 'xlsx', full: false, rows: 4 });
  });

  it('exports full ID numbers only when asked, from our page (CSRF header), and audits who, when and how many', async () => {
    const { 'x-csrf-token': _csrf, ...cookieOnly } = h.admin;
    const forged = await download('results?format=xlsx&full=1', cookieOnly);
    expect(forged.status).toBe(403);
    expect(await t.prisma.auditLog.count({ where: { action: 'review.export_full_id_numbers' } })).toBe(0);

    const before = new Date();
    const res = await download('results?format=xlsx&full=1', h.admin);
    expect(res.status).toBe(200);
    const rows = await readXlsx(res.body as Buffer);
    expect(rows.slice(1)).toEqual(await expectedRows(true));
    expect(rows[1]![2]).toBe(validIdNumber(1));
    const audits = await t.prisma.auditLog.findMany({ where: { action: 'review.export_full_id_numbers' } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorType: 'STAFF', actorId: adminId, targetType: 'ExamYear', targetId: year.id, details: { format: 'xlsx', full: true, rows: 4 } });
    expect(audits[0]!.at.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    expect(JSON.stringify(audits[0]!.details)).not.toContain(validIdNumber(1));
  });

  it('exports CSV (UTF-8 with BOM) equal to the database, with formula-like cells neutralised', async () => {
    for (const full of [false, true]) {
      const res = await download(`results?format=csv${full ? '&full=1' : ''}`, h.admin);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      const rows = readCsv(res.body as Buffer);
      expect(rows[0]).toEqual([...RESULTS_EXPORT_COLUMNS]);
      expect(rows.slice(1)).toEqual((await expectedRows(full)).map((r) => r.map(neutraliseCsvCell)));
      expect(rows.find((r) => r[0] === '2026000003')![1]).toBe(`'=HYPERLINK("http://x")`);
      expect(rows.find((r) => r[0] === '2026000004')![1]).toBe(`'-赵四`);
    }
    expect(await t.prisma.auditLog.count({ where: { action: 'review.export_full_id_numbers' } })).toBe(2);
  });

  it('exports per-site progress as .xlsx and CSV', async () => {
    const expected = [
      ['和平考点', ...DOSSIER_STATUSES.map((s) => (s === 'APPROVED' || s === 'PENDING_SITE' ? '1' : '0')), '2'],
      ['河西考点', ...DOSSIER_STATUSES.map((s) => (s === 'REJECTED' ? '1' : '0')), '1'],
    ];
    const sortBySite = (rows: string[][]) => [...rows].sort((a, b) => a[0]!.localeCompare(b[0]!, 'zh-CN'));
    const xlsx = await download('progress?format=xlsx', h.admin);
    expect(xlsx.status).toBe(200);
    const xrows = await readXlsx(xlsx.body as Buffer);
    expect(xrows[0]).toEqual([...PROGRESS_EXPORT_COLUMNS]);
    expect(sortBySite(xrows.slice(1))).toEqual(sortBySite(expected));
    const csv = await download('progress?format=csv', h.admin);
    expect(csv.status).toBe(200);
    expect(sortBySite(readCsv(csv.body as Buffer).slice(1))).toEqual(sortBySite(expected));
  });

  it('is for admins of their own district only, and refuses bad parameters with a Chinese 400', async () => {
    for (const who of ['district', 'site'] as const) {
      const res = await download('results?format=xlsx', h[who]);
      expect({ who, status: res.status }).toEqual({ who, status: 403 });
    }
    expect((await request(t.app).get('/api/review/admin/exports/results?format=xlsx')).status).toBe(401);
    // another district's admin gets their own (empty) year, never district 12's rows
    const other = await download('results?format=csv', h.otherAdmin);
    expect(other.status).toBe(200);
    expect(readCsv(other.body as Buffer).map((r) => r[0])).toEqual(['报名号', '2026000000']);
    const foreignYear = await download(`results?format=csv&examYearId=${year.id}`, h.otherAdmin);
    expect(foreignYear.status).toBe(404);
    for (const q of ['results?format=pdf', 'results', 'results?format=csv&full=yes', 'progress?format=csv&full=1', 'results?format=csv&examYearId=x']) {
      const res = await request(t.app).get(`/api/review/admin/exports/${q}`).set(h.admin);
      expect({ q, status: res.status }).toEqual({ q, status: 400 });
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('quotes and neutralises CSV cells', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('+86 138')).toBe("'+86 138");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell(12)).toBe('12');
    expect(csvCell('普通文字')).toBe('普通文字');
  });
});
