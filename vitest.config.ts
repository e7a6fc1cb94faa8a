import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/quiet-temporal.ts'],
    include: ['test/**/*.test.ts'],
    // Temporal's native worker and the shared dev server are happier in child processes than in threads.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // 2 cores: two suites at a time keeps the dev server responsive.
    maxWorkers: 2,
  },
});
