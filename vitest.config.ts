import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Worker-thread tests spawn real workers; two files at a time fits a 2-core machine.
    maxWorkers: 2,
    testTimeout: 60_000,
    // Tests provoke failures and dead letters on purpose; their warnings would bury the report.
    env: { FOXTROT_LOG_LEVEL: 'error' },
    hookTimeout: 30_000,
  },
});
