import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations, createPrismaClient } from '@exam/db';
import { startEmbeddedPostgres } from './embedded-postgres.js';

describe('startEmbeddedPostgres', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'exam-pglite-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves migrations and Prisma over TCP and keeps the data across restarts', { timeout: 120_000 }, async () => {
    const first = await startEmbeddedPostgres({ dataDir, port: 0 });
    let id: string;
    try {
      expect(await applyMigrations(first.url)).not.toEqual([]);
      const prisma = createPrismaClient(first.url, { max: 4 });
      try {
        // concurrent queries over several connections
        const [site] = await Promise.all([
          prisma.examSite.create({ data: { districtCode: '110000', code: '01', name: '东城考点' } }),
          prisma.examSite.count(),
          prisma.examYear.count(),
        ]);
        id = site.id;
      } finally {
        await prisma.$disconnect();
      }
    } finally {
      await first.stop();
    }

    const second = await startEmbeddedPostgres({ dataDir, port: 0 });
    try {
      expect(await applyMigrations(second.url)).toEqual([]);
      const prisma = createPrismaClient(second.url);
      try {
        expect(await prisma.examSite.findUnique({ where: { id } })).toMatchObject({ name: '东城考点' });
      } finally {
        await prisma.$disconnect();
      }
    } finally {
      await second.stop();
    }
  });
});
