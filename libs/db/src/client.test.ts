import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@exam/testing';
import { createPrismaClient, DossierStatus, Prisma, type PrismaClient } from './index.ts';

describe('createPrismaClient', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url, { max: 2 });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('creates and reads an ExamYear', async () => {
    const created = await prisma.examYear.create({
      data: {
        code: '2027',
        name: '2027年医师资格考试',
        districtCode: '110000',
        districtName: '北京考区',
        uploadStart: new Date('2027-01-05T01:00:00Z'),
        uploadEnd: new Date('2027-01-20T09:00:00Z'),
      },
    });
    const read = await prisma.examYear.findUniqueOrThrow({
      where: { districtCode_code: { districtCode: '110000', code: '2027' } },
    });
    expect(read).toMatchObject({
      id: created.id,
      name: '2027年医师资格考试',
      timezone: 'Asia/Shanghai',
      autoSubmitAtDeadline: true,
      returnWindowHours: 72,
      settings: {},
    });
    expect(read.uploadEnd.toISOString()).toBe('2027-01-20T09:00:00.000Z');
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects a duplicate exam year code in the same district', async () => {
    const data = {
      code: 'DUP',
      name: 'dup',
      districtCode: '120000',
      districtName: '天津考区',
      uploadStart: new Date(),
      uploadEnd: new Date(),
    };
    await prisma.examYear.create({ data });
    const error = await prisma.examYear.create({ data }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((error as Prisma.PrismaClientKnownRequestError).code).toBe('P2002');
  });

  it('turns parallel query off on every connection (short OLTP queries only)', async () => {
    const rows = await Promise.all(
      [1, 2, 3].map(() => prisma.$queryRaw<{ v: string }[]>`SELECT current_setting('max_parallel_workers_per_gather') AS v`),
    );
    expect(rows.map((r) => r[0]?.v)).toEqual(['0', '0', '0']);
    expect(() => createPrismaClient(db.url, { sessionSettings: { 'x; DROP': 1 } })).toThrow(/invalid session setting/);
  });

  it('exports the generated enums', () => {
    expect(DossierStatus.PENDING_SITE).toBe('PENDING_SITE');
  });
});

describe('a Postgres that stops answering (a network black hole)', () => {
  it('fails the query after the connection timeout instead of holding it until the OS gives up', async () => {
    // accepts TCP connections and never says a word
    const sockets: Socket[] = [];
    const hole = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => hole.listen(0, '127.0.0.1', r));
    const port = (hole.address() as { port: number }).port;
    const prisma = createPrismaClient(`postgresql://postgres@127.0.0.1:${port}/none`, { connectionTimeoutMillis: 300 });
    const t0 = Date.now();
    const err = await prisma.$queryRawUnsafe('SELECT 1').then(
      () => null,
      (e: unknown) => e,
    );
    const waited = Date.now() - t0;
    await prisma.$disconnect().catch(() => undefined);
    for (const s of sockets) s.destroy();
    await new Promise((r) => hole.close(r));
    expect(err).toBeTruthy();
    // bounded by the configured timeout (generous upper bound: this is not a speed test)
    expect(waited).toBeLessThan(10_000);
  });
});
