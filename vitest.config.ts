import { defineConfig } from 'vitest/config';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

// One vitest project per app/lib/tool that has tests; `nx test <name>` runs `vitest run --project <name>`.
const roots = ['apps', 'libs', 'tools'].flatMap((dir) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'src')))
        .map((d) => ({ dir: join(dir, d.name), name: d.name }))
    : [],
);

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
