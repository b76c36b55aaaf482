import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '@exam/auth';
import { ConfigError, DEMO_DATA } from '@exam/config';
import { createPrismaClient, type PrismaClient } from '@exam/db';
import { DEMO_PASSWORDS, DEMO_STAFF } from '@exam/dev-tools';
import { createTestDatabase, type TestDatabase } from '@exam/testing';
import { findDemoData, refuseDemoDataInProduction } from './demo-guard.js';

let db: TestDatabase;
let prisma: PrismaClient;
const warnings: unknown[] = [];
const log = { warn: (obj: object) => void warnings.push(obj) };

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
});
afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

async function staff(username: string, password: string) {
  await prisma.user.create({
    data: { username, displayName: username, role: 'ADMIN', districtCode: '12', passwordHash: await hashPassword(password) },
  });
}

describe('demo data in production', () => {
  it('knows the accounts npm start and the seed job create', () => {
    expect([...DEMO_DATA.staffUsernames].sort()).toEqual(DEMO_STAFF.map((s) => s.username).sort());
    expect(DEMO_DATA.staffPassword).toBe(DEMO_PASSWORDS.staff);
  });

  it('a database without demo data starts', async () => {
    await staff('admin', 'a-real-Passw0rd-of-the-district');
    expect(await findDemoData(prisma)).toEqual([]);
    await expect(refuseDemoDataInProduction(prisma, { NODE_ENV: 'production', SEED_DEMO: false }, log)).resolves.toBeUndefined();
  });

  it('production refuses to start while a demo account keeps its published password', async () => {
    await staff('site1201', DEMO_PASSWORDS.staff);
    const refused = refuseDemoDataInProduction(prisma, { NODE_ENV: 'production', SEED_DEMO: false }, log);
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(refused).rejects.toThrow(/SEED_DEMO: .*demo account "site1201"/);
    await expect(refused).rejects.not.toThrow(new RegExp(DEMO_PASSWORDS.staff));
  });

  it('production refuses to start while the demo exam year exists', async () => {
    await prisma.examYear.create({
      data: {
        code: '2027',
        name: '2027年医师资格考试（演示）',
        districtCode: '12',
        districtName: '天津考区',
        uploadStart: new Date('2027-01-01T00:00:00Z'),
        uploadEnd: new Date('2027-02-01T00:00:00Z'),
      },
    });
    expect(await findDemoData(prisma)).toEqual(expect.arrayContaining([expect.stringMatching(/demo exam year 2027/)]));
  });

  it('SEED_DEMO=1 (a demo deployment) starts with a warning; development does not look', async () => {
    await expect(refuseDemoDataInProduction(prisma, { NODE_ENV: 'production', SEED_DEMO: true }, log)).resolves.toBeUndefined();
    expect(warnings).toHaveLength(1);
    await expect(refuseDemoDataInProduction(prisma, { NODE_ENV: 'development', SEED_DEMO: false }, log)).resolves.toBeUndefined();
  });
});
