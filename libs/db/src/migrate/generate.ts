// `prisma generate`, offline and idempotent. Run from the root `postinstall` (`tsx libs/db/src/migrate/generate.ts`).
// Prisma's CLI insists on resolving its native schema engine even for `generate` (which does not use it) and
// would download it; pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing executable skips the download.
// Skips the work when the generated client was produced from the same schema and Prisma version
// (a stamp file inside the gitignored output); `--force` regenerates anyway.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dbDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const rootDir = path.resolve(dbDir, '../..');
const schemaPath = path.join(dbDir, 'prisma', 'schema.prisma');
const outDir = path.join(dbDir, 'src', 'generated', 'prisma');
const stampPath = path.join(outDir, '.schema-stamp');

export function generateClient(opts: { force?: boolean } = {}): 'generated' | 'up-to-date' {
  const require = createRequire(import.meta.url);
  const prismaPkg = require.resolve('prisma/package.json');
  const prismaVersion = (JSON.parse(readFileSync(prismaPkg, 'utf8')) as { version: string }).version;
  const stamp = createHash('sha256')
    .update(prismaVersion)
    .update('\0')
    .update(readFileSync(schemaPath))
    .digest('hex');
  if (
    !opts.force &&
    existsSync(path.join(outDir, 'client.ts')) &&
    existsSync(stampPath) &&
    readFileSync(stampPath, 'utf8') === stamp
  ) {
    return 'up-to-date';
  }
  const cli = path.join(path.dirname(prismaPkg), 'build', 'index.js');
  const result = spawnSync(process.execPath, [cli, 'generate', '--schema', schemaPath], {
    cwd: rootDir,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      // Any existing executable: generate never runs it, but the CLI would otherwise download one.
      PRISMA_SCHEMA_ENGINE_BINARY: process.env['PRISMA_SCHEMA_ENGINE_BINARY'] ?? process.execPath,
      CHECKPOINT_DISABLE: '1',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      PRISMA_GENERATE_NO_HINTS: '1',
    },
  });
  if (result.status !== 0) {
    throw new Error(`prisma generate failed (exit ${result.status ?? result.signal})`);
  }
  writeFileSync(stampPath, stamp);
  return 'generated';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const outcome = generateClient({ force: process.argv.includes('--force') });
  console.warn(`@exam/db: Prisma client ${outcome} (${Date.now() - started} ms)`);
}
