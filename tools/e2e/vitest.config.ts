import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files in name order, everywhere: vitest's default orders by the durations cached from earlier runs, so a fresh clone
 * (CI) and a developer's checkout would run the shared system's files in different orders.
 */
class ByName extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}

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
    sequence: { sequencer: ByName },
  },
});
