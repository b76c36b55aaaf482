// The roster parser on generated CSV (UTF-8, UTF-8 with BOM, GBK) and .xlsx files, and the dry run / import / re-import
// on a real Postgres database.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type ExamSite, type ExamYear, type PrismaClient } from '@exam/db';
import { decryptIdNumber } from '@exam/auth';
import { FsBlobStorage } from '@exam/storage';
import {
  ROSTER_HEADERS,
  TEST_ID_HASH_KEY,
  TEST_ID_KEYRING,
  badRosterRows,
  buildDossier,
  createTestDatabase,
  rosterCsv,
  rosterRow,
  rosterXlsx,
  seedSite,
  seedYear,
  type TestDatabase,
} from '@exam/testing';
import {
  detectCsvEncoding,
  detectRosterFormat,
  readRosterRows,
  rosterIdReader,
  rosterIdWriter,
  rosterKeys,
  runRosterImport,
  uploadRoster,
  type RosterDeps,
} from './index.js';

/** The file as a stream of 16 KB chunks, as storage and uploads deliver it. */
const chunked = (data: Buffer) => Readable.from(Array.from({ length: Math.ceil(data.length / 16_384) }, (_, i) => data.subarray(i * 16_384, (i + 1) * 16_384)));

async function rowsOf(data: Buffer) {
  const out: string[][] = [];
  // trailing empty cells are not kept by every format (an .xlsx row ends at its last value)
  const trim = (cells: string[]) => {
    const c = [...cells];
    while (c.length && c.at(-1) === '') c.pop();
    return c;
  };
  for await (const r of readRosterRows(chunked(data), detectRosterFormat(data))) out.push(trim(r.cells));
  return out;
}

describe('roster file reader', () => {
  const rows = [rosterRow(1, 'S01'), ['R2', '李四, "小李"', '', '应届毕业生', '和平区考点', '天津医院', '', '', '13900000000', '']];
  it('reads UTF-8, UTF-8 with BOM and GBK CSV alike (quotes, commas in cells)', async () => {
    for (const encoding of ['utf-8', 'utf-8-bom', 'gbk'] as const) {
      const data = rosterCsv(rows, { encoding });
      expect(detectCsvEncoding(data)).toBe(encoding === 'gbk' ? 'gb18030' : 'utf-8');
      expect(await rowsOf(data)).toEqual([[...ROSTER_HEADERS], rows[0], rows[1]!.slice(0, 9)]);
    }
  });
  it('reads the first worksheet of an .xlsx file', async () => {
    const data = await rosterXlsx(rows);
    expect(detectRosterFormat(data)).toBe('xlsx');
    expect(await rowsOf(data)).toEqual([[...ROSTER_HEADERS], rows[0], rows[1]!.slice(0, 9)]);
  });
  it('refuses .xls, empty files, and bytes that are no text', async () => {
    expect(() => detectRosterFormat(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0]))).toThrow(/\.xls/);
    expect(() => detectRosterFormat(Buffer.alloc(0))).toThrow(/空/);
    const garbage = Buffer.concat([Buffer.from('报名号,姓名\r\n', 'utf8'), Buffer.from([0xff, 0xff, 0xfe, 0x81, 0x30])]);
    await expect(rowsOf(garbage)).rejects.toThrow(/编码无法识别/);
    // valid at the start, broken later on: refused too, not imported with replacement characters
    const late = Buffer.concat([Buffer.from(`报名号,姓名\r\n${'R1,张三\r\n'.repeat(10_000)}`, 'utf8'), Buffer.from([0xff, 0xfe, 0x81])]);
    await expect(rowsOf(late)).rejects.toThrow(/不是有效的 UTF-8/);
    await expect(rowsOf(Buffer.from('PK\x03\x04not really a zip', 'latin1'))).rejects.toThrow(/无法读取该 Excel/);
  });
});

describe('dry run and import (Postgres)', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let dir: string;
  let deps: RosterDeps;
  let year: ExamYear;
  let site: ExamSite;
  let site2: ExamSite;
  const reader = rosterIdReader(TEST_ID_KEYRING);
  const writer = rosterIdWriter(TEST_ID_KEYRING, TEST_ID_HASH_KEY);

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url);
    dir = await mkdtemp(join(tmpdir(), 'roster-test-'));
    deps = { prisma, storage: new FsBlobStorage(dir), now: () => new Date() };
    year = await seedYear(prisma, { districtCode: '12' });
    site = await seedSite(prisma, { districtCode: '12', name: '和平区考点' });
    site2 = await seedSite(prisma, { districtCode: '12', name: '河西区考点' });
    await seedSite(prisma, { districtCode: '34', name: '外考区考点' });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const upload = (data: Buffer, fileName = 'roster.csv') =>
    uploadRoster({ ...deps, ids: reader }, { examYearId: year.id, districtCode: '12', fileName, data, createdById: 'admin-1' });

  for (const kind of ['utf-8', 'gbk', 'xlsx'] as const) {
    it(`${kind}: the dry run lists every bad row with its reason and writes nothing; the import writes; a re-import is a no-op`, async () => {
      const prefix = kind === 'utf-8' ? 'U' : kind === 'gbk' ? 'G' : 'X';
      const good = Array.from({ length: 30 }, (_, i) => rosterRow(i, i % 2 ? site.code : '和平区考点', prefix));
      good[3]![4] = site2.name; // by name, another site
      const bad = badRosterRows(site.code, good[0]![0]!);
      const rows = [...good.slice(0, 10), ...bad.map((b) => b.cells), ...good.slice(10)];
      const data = kind === 'xlsx' ? await rosterXlsx(rows) : rosterCsv(rows, { encoding: kind });
      const before = await prisma.candidate.count();

      const { meta, report } = await upload(data, kind === 'xlsx' ? '名单.xlsx' : '名单.csv');
      expect(report.counts).toEqual({ rows: 30, new: 30, unchanged: 0, changed: 0, refused: bad.length });
      expect(report.badRows.map((b) => b.row)).toEqual(bad.map((_, i) => 12 + i)); // header row 1, ten good rows
      report.badRows.forEach((b, i) => expect(b.reasons.join('；')).toMatch(bad[i]!.reason));
      expect(await prisma.candidate.count()).toBe(before);
      expect(await prisma.dossier.count()).toBe(before);

      const progress: number[] = [];
      const done = await runRosterImport({ ...deps, writer }, meta.importId, (p) => void progress.push(p));
      expect(done.counts).toEqual(report.counts);
      expect(progress.at(-1)).toBe(100);
      expect(await prisma.candidate.count()).toBe(before + 30);
      const c = await prisma.candidate.findUniqueOrThrow({
        where: { examYearId_registrationNo: { examYearId: year.id, registrationNo: good[3]![0]! } },
        include: { dossier: true },
      });
      expect(c).toMatchObject({ siteId: site2.id, name: good[3]![1], phone: good[3]![8], unitPhone: '022-23626600', email: good[3]![9] });
      expect(c.dossier).toMatchObject({ status: 'DRAFT', siteId: site2.id, examYearId: year.id });
      expect(decryptIdNumber(TEST_ID_KEYRING, c.id, c.idNumberEnc)).toBe(good[3]![2]);
      expect(c.idNumberHash).toBe(writer.hash(good[3]![2]!));
      // the uploaded file, with every ID number in clear, is gone once imported; the report stays
      const keys = rosterKeys(meta.importId);
      expect(await deps.storage.exists(keys.source)).toBe(false);
      expect(await deps.storage.exists(keys.result)).toBe(true);
      // the job ran twice (a retry): the stored report, nothing written
      expect((await runRosterImport({ ...deps, writer }, meta.importId)).finishedAt).toBe(done.finishedAt);

      // the same file again: nothing new, nothing changed, nothing written
      const updatedAt = (await prisma.candidate.findMany({ where: { examYearId: year.id }, select: { updatedAt: true }, orderBy: { id: 'asc' } })).map((r) => r.updatedAt.getTime());
      const again = await upload(data);
      expect(again.report.counts).toEqual({ rows: 30, new: 0, unchanged: 30, changed: 0, refused: bad.length });
      const reimport = await runRosterImport({ ...deps, writer }, again.meta.importId);
      expect(reimport.counts).toEqual({ rows: 30, new: 0, unchanged: 30, changed: 0, refused: bad.length });
      expect((await prisma.candidate.findMany({ where: { examYearId: year.id }, select: { updatedAt: true }, orderBy: { id: 'asc' } })).map((r) => r.updatedAt.getTime())).toEqual(updatedAt);
    });
  }

  it('changes a DRAFT candidate, never a submitted one (reported), and re-encrypts a changed ID number', async () => {
    const draft = await buildDossier(prisma, { year, site, status: 'DRAFT', candidate: { registrationNo: 'C0001', phone: '13911111111' } });
    const submitted = await buildDossier(prisma, { year, site, status: 'PENDING_SITE', candidate: { registrationNo: 'C0002', phone: '13922222222' } });
    const same = (regNo: string, phone: string, idNumber = '11010519491231002X') => [regNo, '张三', idNumber, '已毕业考生', site.code, '天津市第一中心医院', '', '', phone, ''];
    const data = rosterCsv([same('C0001', '13933333333', '11010519491231002X'), same('C0002', '13944444444')]);
    const { meta, report } = await upload(data);
    expect(report.counts).toEqual({ rows: 2, new: 0, unchanged: 0, changed: 1, refused: 1 });
    expect(report.badRows).toEqual([{ row: 3, registrationNo: 'C0002', reasons: ['已提交审核，不能通过导入修改'] }]);
    expect(report.changes).toEqual([{ row: 2, registrationNo: 'C0001', fields: ['phone', 'idNumber'] }]);
    const result = await runRosterImport({ ...deps, writer }, meta.importId);
    expect(result.counts).toEqual(report.counts);
    const d = await prisma.candidate.findUniqueOrThrow({ where: { id: draft.candidate.id } });
    expect(d.phone).toBe('13933333333');
    expect(decryptIdNumber(TEST_ID_KEYRING, d.id, d.idNumberEnc)).toBe('11010519491231002X');
    const s = await prisma.candidate.findUniqueOrThrow({ where: { id: submitted.candidate.id } });
    expect(s.phone).toBe('13922222222');
  });

  it('a file without the required columns is a 422 naming them; the mapping can then be given', async () => {
    const headers = ['编号', '姓名', '证件号码', '考生类型', '考点', '报名单位', '手机号'];
    const data = rosterCsv([['M1', '王五', '11010519491231002X', '已毕业考生', site.code, '医院', '13955555555']], { headers });
    const err = await upload(data).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ROSTER_MAPPING_INCOMPLETE', status: 422, details: { missing: ['registrationNo'], headers } });
  });
});
