import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Servers, s3rver, DuckDB and Chromium share two cores: run files one at a time.
    fileParallelism: false,
    reporters: ['default'],
  },
});
