// A fresh, fully migrated Postgres database per caller (one per integration test file).
// Migrations are applied once per migration set into a template database (`exam_tpl_<hash>`), which every
// test database clones (`CREATE DATABASE ... TEMPLATE`): much faster than running the engine each time.
// Parallel vitest workers serialise the template build with a Postgres advisory lock.
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { applyMigrations, MIGRATIONS_DIR } from '@exam/db';

export const DEFAULT_TEST_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/test';
const TEST_DB_PREFIX = 'exam_t_';
const TEMPLATE_PREFIX = 'exam_tpl_';
/** Test databases older than this are considered leftovers of crashed runs and dropped. */
const STALE_TEST_DB_MS = 6 * 60 * 60 * 1000;
/** Templates of other migration sets older than this are dropped. */
const STALE_TEMPLATE_MS = 24 * 60 * 60 * 1000;
const LOCK_KEY = 'exam_testing_template';

export interface TestDatabase {
  /** Connection URL of the new database. */
  url: string;
  /** Drops the database (terminating any connection still open). Safe to call twice. */
  drop(): Promise<void>;
}

function testServerUrl(): string {
  return process.env['TEST_DATABASE_URL'] || DEFAULT_TEST_DATABASE_URL;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testServerUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Hash of every migration.sql (and the folder names): a new or edited migration gives a new template. */
async function migrationsHash(): Promise<string> {
  const hash = createHash('sha256');
  const dirs = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const dir of dirs) {
    hash.update(dir).update('\0');
    hash.update(await readFile(path.join(MIGRATIONS_DIR, dir, 'migration.sql'))).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function dropDatabase(client: pg.Client, name: string): Promise<void> {
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/** Drops test databases of crashed runs (their creation time is in the name) and old templates. */
async function dropLeftovers(client: pg.Client, currentTemplate: string): Promise<void> {
  const { rows } = await client.query<{ datname: string; comment: string | null }>(
    `SELECT datname, shobj_description(oid, 'pg_database') AS comment FROM pg_database
     WHERE datname LIKE 'exam\\_t\\_%' OR datname LIKE 'exam\\_tpl\\_%'`,
  );
  const now = Date.now();
  for (const { datname, comment } of rows) {
    let createdAt: number;
    if (datname.startsWith(TEST_DB_PREFIX)) {
      createdAt = parseInt(datname.slice(TEST_DB_PREFIX.length).split('_')[0] ?? '', 36);
      if (!(now - createdAt > STALE_TEST_DB_MS)) continue;
    } else {
      if (datname === currentTemplate) continue;
      createdAt = Date.parse(comment ?? '');
      if (!(now - createdAt > STALE_TEMPLATE_MS)) continue;
      await client.query(`ALTER DATABASE "${datname}" WITH IS_TEMPLATE false`).catch(() => undefined);
    }
    await dropDatabase(client, datname).catch(() => undefined); // another worker may be dropping it too
  }
}

/** Creates `exam_tpl_<hash>` once (per migration set, across processes); returns its name. */
async function ensureTemplate(): Promise<string> {
  const template = `${TEMPLATE_PREFIX}${await migrationsHash()}`;
  await withAdmin(async (client) => {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [LOCK_KEY]);
    try {
      await dropLeftovers(client, template);
      const { rows } = await client.query<{ datistemplate: boolean }>(
        'SELECT datistemplate FROM pg_database WHERE datname = $1',
        [template],
      );
      if (rows[0]?.datistemplate) return; // complete (the flag is set last)
      await dropDatabase(client, template); // half-built by a crashed run
      await client.query(`CREATE DATABASE "${template}"`);
      await applyMigrations(withDatabase(testServerUrl(), template));
      await client.query(`COMMENT ON DATABASE "${template}" IS '${new Date().toISOString()}'`);
      await client.query(`ALTER DATABASE "${template}" WITH IS_TEMPLATE true`);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [LOCK_KEY]);
    }
  });
  return template;
}

let templatePromise: Promise<string> | undefined;

/**
 * Creates a uniquely named database (`exam_t_<time>_<pid>_<random>`) on the server of TEST_DATABASE_URL
 * (default postgresql://postgres@127.0.0.1:5432/test) with every migration of libs/db applied.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  templatePromise ??= ensureTemplate().catch((e: unknown) => {
    templatePromise = undefined;
    throw e;
  });
  const template = await templatePromise;
  const name = `${TEST_DB_PREFIX}${Date.now().toString(36)}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(async (client) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        return;
      } catch (e) {
        // 55006: the template is briefly in use (e.g. a connection of its builder still closing).
        if ((e as { code?: string }).code !== '55006' || attempt >= 20) throw e;
        await sleep(100 * attempt);
      }
    }
  });
  let dropped: Promise<void> | undefined;
  return {
    url: withDatabase(testServerUrl(), name),
    drop: () => (dropped ??= withAdmin((client) => dropDatabase(client, name))),
  };
}
