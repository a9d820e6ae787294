import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Each worker may hold a PGlite instance (~350 MB, 2-4 s start); 2 matches the 2-core CI box.
    maxWorkers: 2,
    // Starts one PostgreSQL server for the run and provides its URL as inject('pgUrl').
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default'],
  },
});
