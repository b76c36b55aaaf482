import { defineConfig } from 'vitest/config';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

// One vitest project per app/lib/tool that has tests; `nx test <name>` runs `vitest run --project <name>`.
//
// The fault tests (stopping Postgres and Redis, killing processes, timing restart back-off) and the route fuzzer
// (a whole system under load) measure time and must not share the two cores with other files. `npm test` runs the
// rest with two files at a time (EXAM_TEST_GROUP=parallel) and then these alone (EXAM_TEST_GROUP=serial);
// unset, every project is included.
const SERIAL_PROJECTS = new Set(['faults', 'route-fuzz']);
const group = process.env['EXAM_TEST_GROUP'];
if (group && group !== 'parallel' && group !== 'serial') throw new Error(`EXAM_TEST_GROUP must be parallel or serial, not ${group}`);
const roots = ['apps', 'libs', 'tools']
  .flatMap((dir) =>
    existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true })
          .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'src')))
          .map((d) => ({ dir: join(dir, d.name), name: d.name }))
      : [],
  )
  .filter(({ name }) => !group || (group === 'serial') === SERIAL_PROJECTS.has(name));

export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    projects: roots.map(({ dir, name }) => ({
      extends: true as const,
      test: {
        name,
        root: dir,
        include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
        environment: 'node',
        testTimeout: 30_000,
        hookTimeout: 120_000,
      },
    })),
  },
});
