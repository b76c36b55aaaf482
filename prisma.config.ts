// Configuration for the official Prisma CLI (`prisma migrate deploy` where Prisma's native engine is available).
// In this repo, migrations normally run through libs/db/src/migrate/cli.ts (wasm schema engine) and
// `prisma generate` through libs/db/src/migrate/generate.ts.
import { defineConfig } from 'prisma/config';

const url = process.env['DATABASE_URL'];

export default defineConfig({
  schema: 'libs/db/prisma/schema.prisma',
  migrations: { path: 'libs/db/prisma/migrations' },
  // Not `env('DATABASE_URL')`: it throws when unset, which would break `prisma generate` on a fresh clone.
  ...(url ? { datasource: { url } } : {}),
});
