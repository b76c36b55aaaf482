import { defineConfig } from 'vitest/config';

// Browser tests: the whole system started by the same code as `npm start`, driven by
// playwright-core in Debian's chromium. Run by `npm test` after the build step.
export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    name: 'e2e',
    root: 'tools/e2e',
    include: ['src/**/*.e2e.ts'],
    // one system for all files (global-setup.ts); files run one after another against it
    globalSetup: ['src/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
