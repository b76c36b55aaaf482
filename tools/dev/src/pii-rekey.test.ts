import { createCipheriv, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIdKeyring, decryptIdNumber, encryptIdNumber, openIdNumber } from '@exam/auth';
import { createPrismaClient, type ExamSite, type ExamYear, type PrismaClient } from '@exam/db';
import { newUuidV7 } from '@exam/domain';
import { createTestDatabase, seedSite, seedYear } from '@exam/testing';
import { rekeyIdNumbers } from './pii-rekey.js';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');
/** before: ID_ENC_KEY alone; during: both keys, 2 current; after: key 1 retired */
const before = buildIdKeyring({ ID_ENC_KEY: k1 });
const during = buildIdKeyring({ ID_ENC_KEYS: `1:${k1},2:${k2}`, ID_ENC_KEY_CURRENT: 2 });
const after = buildIdKeyring({ ID_ENC_KEYS: `2:${k2}` });

/** The first format: iv | tag | data under ID_ENC_KEY, not bound to the candidate. */
function legacyEncrypt(plain: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(k1, 'base64'), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]);
}

const idNumberOf = (i: number) => `1201011990010${String(i).padStart(5, '0')}`;

describe('pii:rekey', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let prisma: PrismaClient;
  let year: ExamYear;
  let site: ExamSite;
  const ids: string[] = [];
  let broken: string;

  async function candidate(i: number, enc: (id: string) => Uint8Array): Promise<string> {
    const id = newUuidV7();
    await prisma.candidate.create({
      data: {
        id,
        examYearId: year.id,
        siteId: site.id,
        registrationNo: `R${i}`,
        name: '张三',
        candidateType: 'GRADUATE',
        unitName: '天津市第一中心医院',
        idNumberEnc: new Uint8Array(enc(id)),
        idNumberHash: randomBytes(32).toString('hex'),
      },
    });
    return id;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url);
    year = await seedYear(prisma);
    site = await seedSite(prisma);
    // 4 rows of the first format, 4 under key id 1, 2 already under key id 2, one that no key opens
    for (let i = 0; i < 10; i++) {
      const plain = idNumberOf(i);
      ids.push(
        await candidate(i, (id) => (i < 4 ? legacyEncrypt(plain) : i < 8 ? encryptIdNumber(before, id, plain) : encryptIdNumber(during, id, plain))),
      );
    }
    broken = await candidate(99, () => randomBytes(40));
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  const rowsById = async () => new Map((await prisma.candidate.findMany({ select: { id: true, idNumberEnc: true } })).map((c) => [c.id, c.idNumberEnc]));

  it('rekey re-encrypts every row under the new key id, in batches, and reports the counts', async () => {
    const batches: number[] = [];
    const r = await rekeyIdNumbers(prisma, during, { batchSize: 3, onBatch: (p) => batches.push(p.scanned) });
    expect(r).toMatchObject({ scanned: 11, rekeyed: 8, current: 2, changed: 0, failed: 1, failedIds: [broken] });
    expect(batches).toEqual([3, 6, 9, 11]);
    const rows = await rowsById();
    ids.forEach((id, i) => {
      const enc = rows.get(id)!;
      expect([enc[0], enc[1]]).toEqual([1, 2]);
      expect(openIdNumber(during, id, enc)).toEqual({ plain: idNumberOf(i), kid: 2 });
      // key 1 can be retired now: everything opens without it
      expect(decryptIdNumber(after, id, enc)).toBe(idNumberOf(i));
    });
  });

  it('is idempotent: a second run only counts, and changes no byte', async () => {
    const first = await rowsById();
    const r = await rekeyIdNumbers(prisma, during);
    expect(r).toMatchObject({ scanned: 11, rekeyed: 0, current: 10, failed: 1 });
    expect(await rowsById()).toEqual(first);
  });

  it('resumes after a given candidate id, and re-encrypted rows are bound to their own candidate', async () => {
    // every row back under key 1, then resume after the 6th id: only the rows after it are touched
    for (const id of ids) await prisma.candidate.update({ where: { id }, data: { idNumberEnc: new Uint8Array(encryptIdNumber(before, id, '120101199001011234')) } });
    const sorted = [...ids, broken].sort();
    const pivot = sorted[5]!;
    const r = await rekeyIdNumbers(prisma, during, { after: pivot });
    expect(r).toMatchObject({ scanned: 5, rekeyed: 4, current: 0, failed: 1, lastId: sorted.at(-1) });
    const rows = await rowsById();
    for (const id of ids) expect(rows.get(id)![1]).toBe(id > pivot ? 2 : 1);
    const moved = ids.find((id) => id > pivot)!;
    expect(decryptIdNumber(after, moved, rows.get(moved)!)).toBe('120101199001011234');
    expect(() => decryptIdNumber(after, ids.find((id) => id !== moved)!, rows.get(moved)!)).toThrow();
  });

  it('the command line: refuses a bad keyring, and exits 1 naming the rows it could not decrypt', () => {
    const root = resolve(import.meta.dirname, '../../..');
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'tools/dev/src/pii-rekey-cli.ts', '--batch-size=4'], {
        cwd: root,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url, ...env },
      });
    const bad = run({ ID_ENC_KEYS: `1:${k1},2:${k2}` });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/ID_ENC_KEY_CURRENT: required/);
    expect(bad.stderr).not.toContain(k1);
    const ok = run({ ID_ENC_KEYS: `1:${k1},2:${k2}`, ID_ENC_KEY_CURRENT: '2' });
    expect(ok.status).toBe(1);
    expect(ok.stdout).toContain('"scanned":11');
    expect(ok.stderr).toContain(broken);
  });
});
