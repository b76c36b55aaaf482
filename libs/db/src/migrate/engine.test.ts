import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@exam/testing';
import { applyMigrations, MIGRATIONS_DIR, withoutHandWrittenIndexes } from './engine.ts';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function migrationNames(): Promise<string[]> {
  return (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

describe('applyMigrations', () => {
  let server: TestDatabase;
  let db: TestDatabase;
  let emptyUrl: string;

  beforeAll(async () => {
    // An empty database: created from a test database's server, then emptied by dropping its schema.
    server = await createTestDatabase();
    db = await createTestDatabase();
    emptyUrl = server.url;
    await query(emptyUrl, 'DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  });
  afterAll(async () => {
    await server?.drop();
    await db?.drop();
  });

  it('creates the tables and records each migration like prisma migrate deploy', async () => {
    const applied = await applyMigrations(emptyUrl);
    expect(applied).toEqual(await migrationNames());

    const tables = (
      await query<{ table_name: string }>(
        emptyUrl,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      )
    ).map((r) => r.table_name);
    expect(tables).toEqual(expect.arrayContaining(['_prisma_migrations', 'ExamYear', 'Dossier', 'Image', 'AuditLog']));

    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      emptyUrl,
      'SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name',
    );
    for (const row of rows) {
      const sql = await readFile(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.finished_at).not.toBeNull();
    }
  });

  it('is a no-op on an up-to-date database', async () => {
    expect(await applyMigrations(db.url)).toEqual([]);
    expect(await applyMigrations(db.url)).toEqual([]);
    const [row] = await query<{ n: string }>(db.url, 'SELECT count(*) AS n FROM _prisma_migrations');
    expect(Number(row?.n)).toBe((await migrationNames()).length);
  });
});

describe('withoutHandWrittenIndexes', () => {
  it('drops the engine statements that would undo a hand-written index, and nothing else', () => {
    const script = [
      '-- DropIndex',
      'DROP INDEX "Candidate_name_pattern_idx";',
      '',
      '-- CreateIndex',
      'CREATE INDEX "Candidate_name_pattern_idx" ON "Candidate"("name" varchar_pattern_ops);',
      '',
      '-- CreateIndex',
      'CREATE INDEX "Other_idx" ON "Other"("x");',
      '',
    ].join('\n');
    const out = withoutHandWrittenIndexes(script);
    expect(out).toContain('CREATE INDEX "Other_idx"');
    expect(out).not.toContain('Candidate_name_pattern_idx');
    expect(withoutHandWrittenIndexes('-- DropIndex\nDROP INDEX "Candidate_name_pattern_idx";\n')).toBeNull();
  });
});
