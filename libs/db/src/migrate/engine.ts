// Drives Prisma's WebAssembly schema engine (@prisma/schema-engine-wasm) through the PrismaPg driver
// adapter, because Prisma's native schema engine cannot be downloaded on this network. The result is the
// standard layout (`prisma/migrations/<ts>_<name>/migration.sql`, `migration_lock.toml`, `_prisma_migrations`),
// so the official `prisma migrate deploy` keeps working wherever the native engine is available.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
} from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine as SchemaEngineType } from '@prisma/schema-engine-wasm';

const here = path.dirname(fileURLToPath(import.meta.url));
/** libs/db */
export const DB_PROJECT_DIR = path.resolve(here, '../..');
export const SCHEMA_PATH = path.join(DB_PROJECT_DIR, 'prisma', 'schema.prisma');
export const MIGRATIONS_DIR = path.join(DB_PROJECT_DIR, 'prisma', 'migrations');

export interface EngineOptions {
  /** Defaults to libs/db/prisma/schema.prisma. */
  schemaPath?: string;
  /** Defaults to libs/db/prisma/migrations. */
  migrationsDir?: string;
  /** Receives the engine's JSON log lines (default: printed when DEBUG mentions "prisma"). */
  log?: (line: string) => void;
}

export interface CreateMigrationResult {
  /** Directory name (`<timestamp>_<name>`) or null when the schema matches the migrations already. */
  migrationName: string | null;
  /** Migrations applied to the database afterwards (including the new one). */
  appliedMigrationNames: string[];
}

// ---------------------------------------------------------------------------------------------------------
// wasm loading

type EngineModule = typeof import('@prisma/schema-engine-wasm');
let enginePromise: Promise<EngineModule> | undefined;
let lastPanic: string | undefined;

function loadEngine(): Promise<EngineModule> {
  enginePromise ??= (async () => {
    // Rust panics are reported through this global; without it they surface as unrelated TypeErrors.
    (globalThis as Record<string, unknown>)['PRISMA_WASM_PANIC_REGISTRY'] = {
      set_message(message: string) {
        lastPanic = message;
      },
    };
    const require = createRequire(import.meta.url);
    const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    // A wasm-bindgen "bundler" build: wire the glue module and the wasm instance by hand.
    const bg = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as EngineModule & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void;
    };
    const bytes = await readFile(path.join(path.dirname(bgPath), 'schema_engine_bg.wasm'));
    // The engine arms timers (query/connect timeouts) that it never clears; unref them so that a finished
    // migration does not keep the process alive ~10 s.
    const imports: WebAssembly.ModuleImports = { ...(bg as unknown as WebAssembly.ModuleImports) };
    for (const [key, fn] of Object.entries(imports)) {
      if (key.startsWith('__wbg_setTimeout_') && typeof fn === 'function') {
        imports[key] = (...args: unknown[]) => {
          const timer = (fn as (...a: unknown[]) => unknown)(...args);
          (timer as { unref?: () => void } | undefined)?.unref?.();
          return timer;
        };
      }
    }
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': imports });
    bg.__wbg_set_wasm(instance.exports);
    const start = instance.exports['__wbindgen_start'];
    if (typeof start === 'function') (start as () => void)();
    return bg;
  })();
  return enginePromise;
}

// ---------------------------------------------------------------------------------------------------------
// connection parameters

export interface PgConnectionParams {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
}

export function parseDatabaseUrl(databaseUrl: string): PgConnectionParams {
  const u = new URL(databaseUrl);
  if (u.protocol !== 'postgresql:' && u.protocol !== 'postgres:') {
    throw new Error(`Not a PostgreSQL URL: ${u.protocol}`);
  }
  const params: PgConnectionParams = {
    host: decodeURIComponent(u.hostname) || u.searchParams.get('host') || '127.0.0.1',
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username) || 'postgres',
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
  };
  if (u.password) params.password = decodeURIComponent(u.password);
  return params;
}

export function formatDatabaseUrl(p: PgConnectionParams): string {
  const auth = p.password
    ? `${encodeURIComponent(p.user)}:${encodeURIComponent(p.password)}`
    : encodeURIComponent(p.user);
  return `postgresql://${auth}@${p.host}:${p.port}/${encodeURIComponent(p.database)}`;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** True when the server is PGlite (no CREATE DATABASE; a shadow database must be another PGlite). */
async function isPglite(params: PgConnectionParams): Promise<boolean> {
  const client = new pg.Client(params);
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>('SELECT version() AS v');
    return /emscripten|wasm/i.test(rows[0]?.v ?? '');
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------------------
// adapter patches

interface PgQueryableInternals {
  performIO(query: SqlQuery): Promise<{ fields: { dataTypeID: number }[]; rows: unknown[][] }>;
}

const PG_CHAR_OID = 18; // Postgres' internal one-byte "char" (pg_constraint.contype, pg_class.relkind, ...)
const PG_TEXT_OID = 25;

/**
 * adapter-pg 7.10 rejects OID 18 ("char"), which the engine's schema describer reads from the catalogs.
 * Let it parse the column as text and report it to the engine as a Character column.
 */
function patchQueryable<T extends { queryRaw(q: SqlQuery): Promise<SqlResultSet> }>(target: T): T {
  const original = target.queryRaw;
  const internals = target as unknown as PgQueryableInternals;
  const performIO = internals.performIO.bind(target);
  target.queryRaw = async function queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    let charColumns: number[] = [];
    const view = Object.create(target, {
      performIO: {
        value: async (q: SqlQuery) => {
          const result = await performIO(q);
          charColumns = [];
          result.fields = result.fields.map((f, i) => {
            if (f.dataTypeID !== PG_CHAR_OID) return f;
            charColumns.push(i);
            return { ...f, dataTypeID: PG_TEXT_OID };
          });
          return result;
        },
      },
    }) as T;
    const result = await original.call(view, query);
    for (const i of charColumns) result.columnTypes[i] = ColumnTypeEnum.Character;
    return result;
  };
  return target;
}

/** Makes `dispose` idempotent and registers it, so pools the engine leaves open are closed at the end. */
function disposeOnce(adapter: SqlDriverAdapter, cleanups: (() => Promise<void>)[], after?: () => Promise<void>) {
  const dispose = adapter.dispose.bind(adapter);
  let done: Promise<void> | undefined;
  adapter.dispose = () => {
    done ??= (async () => {
      try {
        await dispose();
      } finally {
        await after?.();
      }
    })();
    return done;
  };
  cleanups.push(() => adapter.dispose());
  return adapter;
}

interface PgAdapterInternals {
  client: { query(sql: string): Promise<unknown> };
  onError(error: unknown): never;
}

/**
 * adapter-pg 7.10 runs a migration script by splitting it on every ';', which breaks statements that contain one
 * (a plpgsql function body between $$ quotes). Send the script whole, as one simple-protocol query, the way
 * Prisma's native engine does (Postgres runs a multi-statement simple query as one implicit transaction).
 */
function patchExecuteScript(adapter: SqlDriverAdapter): void {
  const internals = adapter as unknown as PgAdapterInternals;
  adapter.executeScript = async (script: string) => {
    try {
      await internals.client.query(script);
    } catch (error) {
      internals.onError(error);
    }
  };
}

function patchAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  patchQueryable(adapter);
  patchExecuteScript(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => patchQueryable<Transaction>(await startTransaction(isolationLevel));
  return adapter;
}

type ShadowFactory = () => Promise<SqlDriverAdapter>;

/** Shadow database on the same server: created here, dropped after its pool is closed. */
function serverShadow(params: PgConnectionParams, cleanups: (() => Promise<void>)[]): ShadowFactory {
  return async () => {
    const name = `prisma_shadow_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client(params);
    await admin.connect();
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    const adapter = patchAdapter(await new PrismaPg({ ...params, database: name, max: 2 }).connect());
    return disposeOnce(adapter, cleanups, async () => {
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    });
  };
}

/** PGlite cannot CREATE DATABASE: the shadow database is a second, in-memory PGlite server. */
function pgliteShadow(cleanups: (() => Promise<void>)[]): ShadowFactory {
  return async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const db = await PGlite.create();
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
    await server.start();
    const port = Number(server.getServerConn().split(':').pop());
    const adapter = patchAdapter(
      await new PrismaPg({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', max: 2 }).connect(),
    );
    return disposeOnce(adapter, cleanups, async () => {
      await server.stop();
      await db.close();
    });
  };
}

function adapterFactory(params: PgConnectionParams, shadow: ShadowFactory, cleanups: (() => Promise<void>)[]) {
  const main = new PrismaPg({ ...params, max: 2 });
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: 'postgres',
    adapterName: main.adapterName,
    connect: async () => disposeOnce(patchAdapter(await main.connect()), cleanups),
    connectToShadowDb: shadow,
  };
  return bindMigrationAwareSqlAdapterFactory(factory);
}

// ---------------------------------------------------------------------------------------------------------
// migrations folder

const LOCKFILE = 'migration_lock.toml';

export async function readMigrationsList(migrationsDir: string): Promise<MigrationList> {
  const names = existsSync(migrationsDir)
    ? (await readdir(migrationsDir, { withFileTypes: true }))
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const migrationDirectories = await Promise.all(
    names.map(async (name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      try {
        const sql = await readFile(file, 'utf8');
        return { path: name, migrationFile: { path: 'migration.sql', content: { tag: 'ok' as const, value: sql } } };
      } catch (e) {
        const message = `Could not read ${file}: ${(e as Error).message}`;
        return { path: name, migrationFile: { path: 'migration.sql', content: { tag: 'error' as const, value: message } } };
      }
    }),
  );
  const lockPath = path.join(migrationsDir, LOCKFILE);
  return {
    baseDir: migrationsDir,
    lockfile: { path: LOCKFILE, content: existsSync(lockPath) ? await readFile(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

const FILTERS = { externalTables: [], externalEnums: [] };

// ---------------------------------------------------------------------------------------------------------
// running the engine

async function withEngine<T>(
  params: PgConnectionParams,
  shadowKind: 'server' | 'pglite' | 'none',
  opts: EngineOptions,
  run: (engine: SchemaEngineType) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = await loadEngine();
  const schemaPath = opts.schemaPath ?? SCHEMA_PATH;
  const schemaText = await readFile(schemaPath, 'utf8');
  const cleanups: (() => Promise<void>)[] = [];
  const shadow: ShadowFactory =
    shadowKind === 'server'
      ? serverShadow(params, cleanups)
      : shadowKind === 'pglite'
        ? pgliteShadow(cleanups)
        : () => Promise.reject(new Error('No shadow database for this operation'));
  const log =
    opts.log ?? (process.env['DEBUG']?.includes('prisma') ? (line: string) => console.error(line) : () => undefined);
  lastPanic = undefined;
  const engine = await SchemaEngine.new(
    { datamodels: [[schemaPath, schemaText]] },
    (line: string) => log(line),
    adapterFactory(params, shadow, cleanups),
  );
  try {
    return await run(engine);
  } catch (e) {
    throw engineError(e);
  } finally {
    engine.free();
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  }
}

function engineError(e: unknown): Error {
  const panic = lastPanic;
  lastPanic = undefined;
  if (panic) return new Error(`Prisma schema engine panicked: ${panic}`, { cause: e });
  if (e instanceof Error) return e;
  if (typeof e === 'object' && e !== null && 'message' in e) {
    return new Error(String((e as { message: unknown }).message), { cause: e });
  }
  return new Error(String(e));
}

/**
 * `prisma migrate deploy`: applies every migration of the migrations folder not yet recorded in
 * `_prisma_migrations`. Returns the names of the migrations applied now (empty when up to date).
 */
export async function applyMigrations(databaseUrl: string, opts: EngineOptions = {}): Promise<string[]> {
  const params = parseDatabaseUrl(databaseUrl);
  const migrationsList = await readMigrationsList(opts.migrationsDir ?? MIGRATIONS_DIR);
  return withEngine(params, 'none', opts, async (engine) => {
    const out = await engine.applyMigrations({ migrationsList, filters: FILTERS });
    return out.appliedMigrationNames;
  });
}

/**
 * Indexes created by hand-written migrations that the schema cannot express (an operator class the engine does not
 * read back on btree). The engine would drop them in every new migration; those statements are taken out.
 * (Partial indexes need no entry: the engine keeps them.)
 */
export const HAND_WRITTEN_INDEXES: readonly string[] = ['Candidate_name_pattern_idx', 'Candidate_site_name_pattern_idx'];

/** The generated script without statements that drop or recreate a hand-written index; null when nothing is left. */
export function withoutHandWrittenIndexes(script: string, names: readonly string[] = HAND_WRITTEN_INDEXES): string | null {
  const touches = (stmt: string) => names.some((n) => new RegExp(`^(DROP|CREATE)( UNIQUE)? INDEX "${n}"`, 'm').test(stmt));
  const kept = script
    .split(/;\n/)
    .filter((stmt) => !touches(stmt.replace(/^\s*(--[^\n]*\n\s*)*/, '')))
    .join(';\n');
  const meaningful = kept.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '').trim();
  return meaningful ? kept : null;
}

/**
 * `prisma migrate dev --create-only --name <name>` followed by `migrate deploy`: diffs the migration history
 * (replayed on a shadow database) against the schema, writes `<timestamp>_<name>/migration.sql` and
 * `migration_lock.toml`, then applies pending migrations to the database.
 */
export async function createMigration(
  databaseUrl: string,
  name: string,
  opts: EngineOptions = {},
): Promise<CreateMigrationResult> {
  const params = parseDatabaseUrl(databaseUrl);
  const migrationsDir = opts.migrationsDir ?? MIGRATIONS_DIR;
  const shadowKind = (await isPglite(params)) ? 'pglite' : 'server';
  const migrationName = await withEngine(params, shadowKind, opts, async (engine) => {
    const migrationsList = await readMigrationsList(migrationsDir);
    const diagnostic = await engine.devDiagnostic({ migrationsList, filters: FILTERS });
    if (diagnostic.action.tag === 'reset') {
      throw new Error(
        `The database is out of sync with the migrations (${diagnostic.action.reason}). ` +
          'Use a fresh database (or reset this one) before creating a migration.',
      );
    }
    const out = await engine.createMigration({
      draft: false,
      migrationName: name,
      migrationsList,
      schema: { files: [{ path: opts.schemaPath ?? SCHEMA_PATH, content: await readFile(opts.schemaPath ?? SCHEMA_PATH, 'utf8') }] },
      filters: FILTERS,
    });
    const script = out.migrationScript === null ? null : withoutHandWrittenIndexes(out.migrationScript);
    if (script === null) return null;
    const dir = path.join(migrationsDir, out.generatedMigrationName);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `migration.${out.extension}`), script);
    const lockPath = path.join(migrationsDir, LOCKFILE);
    if (!existsSync(lockPath)) {
      await writeFile(
        lockPath,
        '# Please do not edit this file manually\n' +
          '# It should be added in your version-control system (e.g., Git)\n' +
          `provider = "${out.connectorType}"\n`,
      );
    }
    return out.generatedMigrationName;
  });
  const appliedMigrationNames = await applyMigrations(databaseUrl, opts);
  return { migrationName, appliedMigrationNames };
}
