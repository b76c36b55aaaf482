// The district admin's roster import over HTTP: upload → dry run, mapping, start → BullMQ job with progress, status;
// and 4xx for every bad file or parameter.
import request from 'supertest';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisConnection } from '@exam/queue';
import { rosterIdWriter, runRosterImport } from '@exam/roster';
import {
  TEST_ID_HASH_KEY,
  TEST_ID_KEYRING,
  badRosterRows,
  loginAs,
  rosterCsv,
  rosterRow,
  rosterXlsx,
  seedSite,
  seedStaff,
  seedYear,
  testRedisUrl,
  type AuthHeaders,
} from '@exam/testing';
import type { ExamSite, ExamYear } from '@exam/db';
import { startReviewTestApp } from './test-app.js';

const t = await startReviewTestApp();
let admin: AuthHeaders;
let year: ExamYear;
let otherYear: ExamYear;
let site: ExamSite;

beforeAll(async () => {
  year = await seedYear(t.prisma, { districtCode: '12' });
  otherYear = await seedYear(t.prisma, { districtCode: '34' });
  site = await seedSite(t.prisma, { districtCode: '12', name: '和平区考点' });
  admin = await loginAs(t.prisma, { role: 'ADMIN', userId: (await seedStaff(t.prisma, 'ADMIN', { districtCode: '12' })).id });
});
afterAll(() => t.close());

const BASE = '/api/review/admin/roster-imports';
const upload = (data: Buffer, fileName: string, fields: Record<string, string> = {}) => {
  let r = request(t.app).post(BASE).set(admin);
  for (const [k, v] of Object.entries({ examYearId: year.id, ...fields })) r = r.field(k, v);
  return r.attach('file', data, fileName);
};

describe('roster import routes', () => {
  it('uploads (CSV UTF-8, GBK, .xlsx) → a dry run that lists the bad rows and writes nothing', async () => {
    const good = Array.from({ length: 12 }, (_, i) => rosterRow(i, site.code, 'H'));
    const bad = badRosterRows(site.code, good[0]![0]!);
    const rows = [...good, ...bad.map((b) => b.cells)];
    for (const [data, name] of [
      [rosterCsv(rows), '名单.csv'],
      [rosterCsv(rows, { encoding: 'gbk' }), '名单-gbk.csv'],
      [await rosterXlsx(rows), '名单.xlsx'],
    ] as const) {
      const res = await upload(data, name);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.dryRun.counts).toEqual({ rows: 12, new: 12, unchanged: 0, changed: 0, refused: bad.length });
      expect(res.body.dryRun.badRowsTotal).toBe(bad.length);
      expect(res.body.mapping).toMatchObject({ registrationNo: '报名号', idNumber: '证件号码', phone: '手机号' });
      (res.body.dryRun.badRows as { row: number; reasons: string[] }[]).forEach((b, i) => {
        expect(b.row).toBe(14 + i);
        expect(b.reasons.join('；')).toMatch(bad[i]!.reason);
      });
    }
    expect(await t.prisma.candidate.count()).toBe(0);
  });

  it('start → a roster.import job whose progress and report the status shows; the same file again changes nothing', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => rosterRow(i, site.code, 'J'));
    const up = await upload(rosterCsv(rows), 'big.csv');
    expect(up.status).toBe(201);
    const importId = up.body.importId as string;
    const before = await request(t.app).get(`${BASE}/${importId}`).set(admin);
    expect(before.body.job).toMatchObject({ state: 'not-started', progress: 0 });

    const started = await request(t.app).post(`${BASE}/${importId}/start`).set(admin);
    expect(started.status).toBe(202);
    expect(started.body.jobId).toBe(`roster.import__${importId}`);
    // the workers' roster queue, in this process: the same service function the worker's handler calls
    const connection = createRedisConnection(testRedisUrl(), 'worker');
    const writer = rosterIdWriter(TEST_ID_KEYRING, TEST_ID_HASH_KEY);
    const progress: number[] = [];
    const worker = new Worker(
      'roster',
      async (job) => {
        await runRosterImport({ prisma: t.prisma, storage: t.storage, now: () => new Date(), writer }, job.data.importId, async (p) => {
          progress.push(p);
          await job.updateProgress(p);
        });
      },
      { connection, prefix: t.prefix },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        worker.on('completed', () => resolve());
        worker.on('failed', (_j, err) => reject(err));
      });
    } finally {
      await worker.close();
      await connection.quit();
    }
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)).toBe(100);
    const status = await request(t.app).get(`${BASE}/${importId}`).set(admin).query({ offset: 0, limit: 10 });
    expect(status.status).toBe(200);
    expect(status.body.job).toMatchObject({ state: 'completed', progress: 100 });
    expect(status.body.result.counts).toEqual({ rows: 2500, new: 2500, unchanged: 0, changed: 0, refused: 0 });
    expect(await t.prisma.candidate.count({ where: { registrationNo: { startsWith: 'J' } } })).toBe(2500);
    expect(await t.prisma.dossier.count({ where: { candidate: { registrationNo: { startsWith: 'J' } } } })).toBe(2500);
    expect(await t.prisma.auditLog.count({ where: { action: 'roster.import_started' } })).toBe(1);
    // the upload itself is audited with its import id (the workers' retention finds never-imported files by it)
    const uploadedRows = await t.prisma.auditLog.findMany({ where: { action: 'roster.uploaded' } });
    expect(uploadedRows.map((r) => (r.details as { importId?: string }).importId)).toContain(importId);

    const again = await upload(rosterCsv(rows), 'big.csv');
    expect(again.body.dryRun.counts).toEqual({ rows: 2500, new: 0, unchanged: 2500, changed: 0, refused: 0 });
    // starting twice is one job
    const s1 = await request(t.app).post(`${BASE}/${importId}/start`).set(admin);
    expect(s1.body.jobId).toBe(started.body.jobId);
  });

  it('a missing column is a 422 with the headers; the mapping can be given then', async () => {
    const headers = ['编号', '姓名', '证件号码', '考生类型', '考点', '报名单位', '手机号'];
    const data = rosterCsv([['M1', '王五', '11010519491231002X', '已毕业考生', site.code, '医院', '13955555555']], { headers });
    const res = await upload(data, 'odd.csv');
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'ROSTER_MAPPING_INCOMPLETE', details: { missing: ['registrationNo'], headers } });
    const importId = res.body.error.details.importId as string;
    const bad = await request(t.app).post(`${BASE}/${importId}/dry-run`).set(admin).send({ mapping: { registrationNo: '没有这列' } });
    expect(bad.status).toBe(422);
    const ok = await request(t.app).post(`${BASE}/${importId}/dry-run`).set(admin).send({ mapping: { registrationNo: '编号' } });
    expect(ok.status).toBe(200);
    expect(ok.body.dryRun.counts).toMatchObject({ rows: 1, new: 1, refused: 0 });
    // the mapping can also come with the upload
    const withMapping = await upload(data, 'odd.csv', { mapping: JSON.stringify({ registrationNo: '编号' }) });
    expect(withMapping.status).toBe(201);
  });

  it('answers bad files and parameters with 4xx in the one error shape', async () => {
    const csv = rosterCsv([rosterRow(1, site.code, 'Z')]);
    const cases: [request.Test, number, string][] = [
      [request(t.app).post(BASE).set(admin).field('examYearId', year.id), 400, 'ROSTER_FILE_MISSING'],
      [upload(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3]), 'old.xls'), 400, 'ROSTER_FILE_INVALID'],
      [upload(Buffer.alloc(0), 'empty.csv'), 400, 'ROSTER_FILE_INVALID'],
      [upload(Buffer.from('PK\x03\x04garbage', 'latin1'), 'x.xlsx'), 400, 'ROSTER_FILE_INVALID'],
      [upload(Buffer.from([0x81, 0x20, 0xff, 0xfe, 0x00, 0x81]), 'bin.csv'), 400, 'ROSTER_FILE_INVALID'],
      [upload(csv, 'a.csv', { examYearId: 'nope' }), 400, 'VALIDATION_FAILED'],
      [upload(csv, 'a.csv', { examYearId: otherYear.id }), 404, 'NOT_FOUND'],
      [upload(csv, 'a.csv', { mapping: '{not json' }), 400, 'VALIDATION_FAILED'],
      [upload(csv, 'a.csv', { mapping: JSON.stringify({ colour: '红' }) }), 400, 'VALIDATION_FAILED'],
      [request(t.app).post(BASE).set(admin).send({ examYearId: year.id }), 400, 'ROSTER_FILE_MISSING'],
      [request(t.app).post(BASE).set(admin).set('Content-Type', 'multipart/form-data').send('garbage'), 400, 'UPLOAD_INVALID'],
      [request(t.app).post(BASE).set(admin).field('examYearId', year.id).attach('file', csv, 'a.csv').attach('file', csv, 'b.csv'), 400, 'UPLOAD_INVALID'],
      [request(t.app).get(`${BASE}/not-a-uuid`).set(admin), 400, 'VALIDATION_FAILED'],
      [request(t.app).get(`${BASE}/0190f3f4-0000-7000-8000-000000000000`).set(admin), 404, 'NOT_FOUND'],
      [request(t.app).post(`${BASE}/0190f3f4-0000-7000-8000-000000000000/start`).set(admin), 404, 'NOT_FOUND'],
      [request(t.app).post(`${BASE}/0190f3f4-0000-7000-8000-000000000000/dry-run`).set(admin).send({ mapping: {} }), 404, 'NOT_FOUND'],
    ];
    for (const [req, status, code] of cases) {
      const res = await req;
      expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
      expect(typeof res.body.error.message).toBe('string');
    }
  });

  it('another district’s admin cannot see or start an import (404)', async () => {
    const up = await upload(rosterCsv([rosterRow(1, site.code, 'K')]), 'a.csv');
    const other = await loginAs(t.prisma, { role: 'ADMIN', userId: (await seedStaff(t.prisma, 'ADMIN', { districtCode: '34' })).id });
    expect((await request(t.app).get(`${BASE}/${up.body.importId}`).set(other)).status).toBe(404);
    expect((await request(t.app).post(`${BASE}/${up.body.importId}/start`).set(other)).status).toBe(404);
  });
});
